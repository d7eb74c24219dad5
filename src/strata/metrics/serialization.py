"""Name lookup and (de)serialization of metrics: ``get``, ``serialize``, ``deserialize``.

``ALL_OBJECTS_DICT`` maps every string ``keras.metrics.get`` accepts to a metric class: the class
name, its snake-case form (``"mean_absolute_error"``, ``"accuracy"``, ``"auc"``) and the aliases
``mse``/``MSE``, ``mae``/``MAE``, ``mape``/``MAPE``, ``msle``/``MSLE`` and ``bce``/``BCE``.  A
string always resolves to a fresh *instance* (``get("binary_accuracy")`` is a ``BinaryAccuracy``).
``"acc"`` is not a metric name: ``compile`` resolves it (and ``"accuracy"``) from the shapes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from strata.core.naming import to_snake_case
from strata.metrics import accuracy, auc, confusion, metric, probabilistic, r2_score, reduction, regression

_CLASSES = (
    metric.Metric,
    reduction.Sum,
    reduction.Mean,
    reduction.MeanMetricWrapper,
    accuracy.Accuracy,
    accuracy.BinaryAccuracy,
    accuracy.CategoricalAccuracy,
    accuracy.SparseCategoricalAccuracy,
    accuracy.TopKCategoricalAccuracy,
    accuracy.SparseTopKCategoricalAccuracy,
    regression.MeanSquaredError,
    regression.RootMeanSquaredError,
    regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError,
    regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity,
    regression.LogCoshError,
    r2_score.R2Score,
    probabilistic.BinaryCrossentropy,
    probabilistic.CategoricalCrossentropy,
    probabilistic.SparseCategoricalCrossentropy,
    probabilistic.KLDivergence,
    probabilistic.Poisson,
    probabilistic.Hinge,
    probabilistic.SquaredHinge,
    probabilistic.CategoricalHinge,
    confusion.TruePositives,
    confusion.FalsePositives,
    confusion.TrueNegatives,
    confusion.FalseNegatives,
    confusion.Precision,
    confusion.Recall,
    auc.AUC,
)

#: Every string ``get`` resolves, mapped to its class (as Keras 3.15's ``keras.metrics.get``).
ALL_OBJECTS_DICT: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
for _alias, _cls in (
    ("bce", probabilistic.BinaryCrossentropy),
    ("mse", regression.MeanSquaredError),
    ("mae", regression.MeanAbsoluteError),
    ("mape", regression.MeanAbsolutePercentageError),
    ("msle", regression.MeanSquaredLogarithmicError),
):
    ALL_OBJECTS_DICT[_alias] = ALL_OBJECTS_DICT[_alias.upper()] = _cls

_METRIC_FUNCTIONS = (
    accuracy.accuracy,
    accuracy.binary_accuracy,
    accuracy.categorical_accuracy,
    accuracy.sparse_categorical_accuracy,
    accuracy.top_k_categorical_accuracy,
    accuracy.sparse_top_k_categorical_accuracy,
    regression.cosine_similarity,
)


def _functions() -> dict[str, Callable]:
    """Built-in per-sample functions by name: the metric functions, then the loss functions."""
    from strata.losses import LOSSES

    found = {name: obj for name, obj in LOSSES.items() if inspect.isfunction(obj) and name == obj.__name__}
    found.update({fn.__name__: fn for fn in _METRIC_FUNCTIONS})
    return found


def _unknown(identifier: Any) -> ValueError:
    return ValueError(
        f"Could not interpret metric identifier: {identifier}. Expected a metric name such as 'mae', "
        "'binary_accuracy' or 'AUC', a Metric instance or class, a function (y_true, y_pred) -> values, "
        "or a serialized config dict."
    )


def serialize_function(fn: Callable) -> dict[str, Any]:
    """Keras's serialized form of a function (built-in ones are recorded as ``builtins``)."""
    if not inspect.isfunction(fn):
        if isinstance(fn, metric.Metric) or hasattr(fn, "get_config"):
            from strata import losses

            return serialize(fn) if isinstance(fn, metric.Metric) else losses.serialize(fn)
        raise TypeError(f"Cannot serialize {fn!r}: expected a function. Received: fn={fn!r}")
    builtin = _functions().get(fn.__name__) is fn
    return {
        "module": "builtins" if builtin else fn.__module__,
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": "function",
    }


def deserialize_function(config: Any, custom_objects: dict[str, Any] | None = None) -> Callable:
    """The function a :func:`serialize_function` dict (or a bare name) names."""
    if callable(config):
        return config
    name = config.get("config") if isinstance(config, dict) else config
    if isinstance(config, dict) and config.get("class_name") != "function":
        from strata import losses

        if config.get("class_name") in ALL_OBJECTS_DICT:
            return deserialize(config, custom_objects)
        return losses.deserialize(config, custom_objects)
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    functions = _functions()
    if name not in functions:
        raise ValueError(
            f"Unknown metric function {name!r} in a serialized config. Pass it in `custom_objects`, "
            f"e.g. custom_objects={{{name!r}: {name}}}. Received: config={config!r}"
        )
    return functions[name]


def serialize(obj: Any) -> Any:
    """Return Keras's serialized form of a metric object or function.

    Example:
        >>> serialize(regression.MeanSquaredError())["class_name"]
        'MeanSquaredError'
    """
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, metric.Metric):
        cls = type(obj)
        builtin = ALL_OBJECTS_DICT.get(cls.__name__) is cls
        return {
            "module": "keras.metrics" if builtin else cls.__module__,
            "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": None if builtin else cls.__name__,
        }
    return serialize_function(obj)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """Rebuild a metric from :func:`serialize`'s output or a name.

    Args:
        config: The serialized metric (dict) or a name.
        custom_objects: Optional mapping of names to user classes or functions.

    Returns:
        A ``Metric`` instance or a metric function.
    """
    if config is None:
        return None
    if isinstance(config, str):
        obj = (custom_objects or {}).get(config) or ALL_OBJECTS_DICT.get(config) or _functions().get(config)
        if obj is None:
            raise _unknown(config)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"A serialized metric must be a name or a dict with a 'class_name' key. Received: config={config!r}"
        )
    if config["class_name"] == "function":
        return deserialize_function(config, custom_objects)
    custom_objects = custom_objects or {}
    cls = (
        custom_objects.get(config.get("registered_name"))
        or custom_objects.get(config["class_name"])
        or ALL_OBJECTS_DICT.get(config["class_name"])
    )
    if cls is None:
        raise _unknown(config["class_name"])
    inner = dict(config.get("config") or {})
    if isinstance(inner.get("fn"), dict):  # a MeanMetricWrapper's function, maybe a custom one
        inner["fn"] = deserialize_function(inner["fn"], custom_objects)
    return cls.from_config(inner)


def get(identifier: Any) -> Any:
    """Resolve a metric identifier the way ``keras.metrics.get`` does.

    ``None`` gives ``None``; a string gives a fresh instance of the named class; a dict is
    deserialized; a class is instantiated; a ``Metric`` instance or any other callable is
    returned unchanged.

    Example:
        >>> type(get("mae")).__name__
        'MeanAbsoluteError'
        >>> get("binary_accuracy").name
        'binary_accuracy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if not callable(obj):
        raise _unknown(identifier)
    return obj() if inspect.isclass(obj) else obj
