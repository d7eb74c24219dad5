"""Name lookup and (de)serialization of losses: ``get``, ``serialize``, ``deserialize``.

``LOSSES`` maps every string ``keras.losses.get`` accepts (class names, function names and the
short aliases such as ``"mse"``) to the class or function.  Serialized forms are Keras 3's dicts,
so a loss written by strata reads in Keras and the other way round.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from strata.losses import crossentropy, focal, margin, probabilistic, regression, segmentation, sequence, similarity
from strata.losses.loss import Loss, LossFunctionWrapper

_CLASSES = (
    Loss,
    LossFunctionWrapper,
    probabilistic.KLDivergence,
    probabilistic.Poisson,
    crossentropy.BinaryCrossentropy,
    focal.BinaryFocalCrossentropy,
    crossentropy.CategoricalCrossentropy,
    focal.CategoricalFocalCrossentropy,
    crossentropy.SparseCategoricalCrossentropy,
    regression.MeanSquaredError,
    regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError,
    regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity,
    regression.LogCosh,
    regression.Huber,
    margin.Hinge,
    margin.SquaredHinge,
    margin.CategoricalHinge,
    segmentation.Dice,
    segmentation.Tversky,
    similarity.Circle,
    sequence.CTC,
)
_FUNCTIONS = (
    probabilistic.kl_divergence,
    probabilistic.poisson,
    crossentropy.binary_crossentropy,
    focal.binary_focal_crossentropy,
    crossentropy.categorical_crossentropy,
    focal.categorical_focal_crossentropy,
    crossentropy.sparse_categorical_crossentropy,
    regression.mean_squared_error,
    regression.mean_absolute_error,
    regression.mean_absolute_percentage_error,
    regression.mean_squared_logarithmic_error,
    regression.cosine_similarity,
    regression.log_cosh,
    regression.huber,
    margin.hinge,
    margin.squared_hinge,
    margin.categorical_hinge,
    segmentation.dice,
    segmentation.tversky,
    similarity.circle,
    sequence.ctc,
)
_ALIASES = {
    "bce": crossentropy.binary_crossentropy,
    "kld": probabilistic.kl_divergence,
    "mae": regression.mean_absolute_error,
    "mse": regression.mean_squared_error,
    "mape": regression.mean_absolute_percentage_error,
    "msle": regression.mean_squared_logarithmic_error,
}

#: Every string identifier ``get`` resolves, as in Keras 3.15's ``keras.losses.get``.
LOSSES: dict[str, Any] = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
LOSSES.update(_ALIASES)
LOSSES.update({alias.upper(): fn for alias, fn in _ALIASES.items()})

# Public Keras losses that ``get`` does not resolve by name but saved configs may still name.
_DESERIALIZABLE: dict[str, Any] = dict(
    LOSSES,
    CategoricalGeneralizedCrossEntropy=probabilistic.CategoricalGeneralizedCrossEntropy,
    categorical_generalized_cross_entropy=probabilistic.categorical_generalized_cross_entropy,
)
_BUILTIN_OBJECTS = {id(obj) for obj in _DESERIALIZABLE.values()}


def _unknown(identifier: Any) -> ValueError:
    hint = ""
    if isinstance(identifier, str):
        close = difflib.get_close_matches(identifier, LOSSES, n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"Could not interpret loss identifier: {identifier}.{hint} Expected the name of a built-in "
        "loss (e.g. 'mse', 'mae', 'binary_crossentropy', 'categorical_crossentropy', "
        "'sparse_categorical_crossentropy', 'MeanSquaredError'), a Loss instance, a callable or a "
        "serialized config dict."
    )


def _lookup(name: str, custom_objects: dict[str, Any] | None) -> Any:
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _DESERIALIZABLE:
        return _DESERIALIZABLE[name]
    raise _unknown(name)


def serialize(loss: Loss | Callable | str | None) -> dict[str, Any] | str | None:
    """Return Keras's serialized form of a loss object or function.

    Example:
        >>> serialize(regression.MeanSquaredError())["class_name"]
        'MeanSquaredError'
        >>> serialize(regression.mean_squared_error)["config"]
        'mean_squared_error'
    """
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, Loss):
        cls = type(loss)
        if cls is LossFunctionWrapper:
            module, registered = "keras.src.losses.losses", "LossFunctionWrapper"
        elif id(cls) in _BUILTIN_OBJECTS:
            module, registered = "keras.losses", None
        else:
            module, registered = cls.__module__, cls.__name__
        config = loss.get_config()
        return {"module": module, "class_name": cls.__name__, "config": config, "registered_name": registered}
    if inspect.isfunction(loss):
        module = "builtins" if id(loss) in _BUILTIN_OBJECTS else loss.__module__
        return {"module": module, "class_name": "function", "config": loss.__name__, "registered_name": "function"}
    raise TypeError(
        f"Cannot serialize {loss!r}: expected a Loss instance or a loss function. Received: loss={loss!r}"
    )


def deserialize(config: dict[str, Any] | str | None, custom_objects: dict[str, Any] | None = None):
    """Rebuild a loss from ``serialize``'s output, a legacy ``{"class_name", "config"}`` dict or a name.

    Args:
        config: The serialized loss.
        custom_objects: Optional mapping of names to user classes or functions.

    Returns:
        A ``Loss`` instance or a loss function.
    """
    if config is None:
        return None
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "A serialized loss must be a name or a dict with a 'class_name' key. "
            f"Received: config={config!r}"
        )
    class_name, inner = config["class_name"], config.get("config")
    if class_name == "function":
        return _lookup(inner, custom_objects)
    registered = config.get("registered_name")
    if custom_objects and registered in custom_objects:
        obj = custom_objects[registered]
    else:
        obj = _lookup(class_name, custom_objects)
    if inspect.isclass(obj):
        return obj.from_config(dict(inner or {}))
    return obj


def get(identifier: Any):
    """Resolve a loss identifier the way ``keras.losses.get`` does.

    ``None`` gives ``None``; a string gives the registered object (a function for function names
    and aliases such as ``"mse"``, a fresh instance for class names); a dict is deserialized; a
    class is instantiated; a ``Loss`` instance or any other callable is returned unchanged.

    Example:
        >>> get("mse").__name__
        'mean_squared_error'
        >>> type(get("MeanSquaredError")).__name__
        'MeanSquaredError'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        if identifier not in LOSSES:
            raise _unknown(identifier)
        obj = LOSSES[identifier]
    else:
        obj = identifier
    if not callable(obj):
        raise _unknown(identifier)
    return obj() if inspect.isclass(obj) else obj
