"""Weight initializers (``keras.initializers``) and their name registry.

Names are Keras's: class names (``"GlorotUniform"``), their snake-case forms
(``"glorot_uniform"``) and the aliases ``"uniform"``, ``"normal"``, ``"zero"``, ``"one"``.
Every initializer runs on the host with NumPy and returns a ``numpy.ndarray``.

Example:
    >>> from strata import initializers
    >>> initializers.get("uniform").get_config()
    {'seed': None, 'minval': -0.05, 'maxval': 0.05}
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from strata.core.naming import to_snake_case
from strata.initializers.constant import Constant, Identity, Ones, Zeros
from strata.initializers.initializer import Initializer, numpy_dtype, standardize_shape
from strata.initializers.random import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

_CLASSES = (
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
)
ALL_OBJECTS_DICT: dict[str, type[Initializer]] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update({
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "one": Ones,
    "zero": Zeros,
})
"""Every name ``get`` accepts, mapped to its class."""

# Lower-case function-style aliases, as ``keras.initializers.glorot_uniform``.
constant, identity, ones, zeros = Constant, Identity, Ones, Zeros
glorot_normal, glorot_uniform, he_normal, he_uniform = GlorotNormal, GlorotUniform, HeNormal, HeUniform
lecun_normal, lecun_uniform, orthogonal = LecunNormal, LecunUniform, Orthogonal
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling


def _unknown(identifier: Any) -> ValueError:
    return ValueError(
        f"Unknown initializer: {identifier!r}. Expected one of {sorted(ALL_OBJECTS_DICT)}, an "
        f"Initializer, a callable `(shape, dtype=None)`, or an array. Received: identifier={identifier!r}"
    )


def serialize(initializer: Any) -> dict[str, Any] | None:
    """Keras's dict ``{"module", "class_name", "config", "registered_name"}`` (None for None)."""
    if initializer is None:
        return None
    if not hasattr(initializer, "get_config"):
        raise ValueError(
            "Only Initializer objects (with `get_config`) can be serialized. "
            f"Received: initializer={initializer!r}"
        )
    cls = type(initializer)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__) is cls
    return {
        "module": "keras.initializers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": initializer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Initializer:
    """Rebuild an initializer from :func:`serialize`'s dict, a ``{"class_name", "config"}`` dict or a name."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`config` must be an initializer name or a dict with a 'class_name' key. "
            f"Received: config={config!r}"
        )
    custom_objects = custom_objects or {}
    name = config["class_name"]
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name")) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise _unknown(name)
    return cls.from_config(dict(config.get("config") or {}))


def _from_array(value: Any):
    expected = tuple(np.shape(value))

    def initialize(shape: Any, dtype: Any = None) -> np.ndarray:
        if standardize_shape(shape) != expected:
            raise ValueError(
                f"This initializer holds an array of shape {expected}; the requested shape must match. "
                f"Received: shape={tuple(shape)}"
            )
        return np.asarray(value).astype(numpy_dtype(dtype))

    return initialize


def get(identifier: Any) -> Any:
    """Return an initializer from a name, a config dict, a class, an instance, a callable or an array."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Initializer):
        return identifier()
    if hasattr(identifier, "__array__") and not callable(identifier):
        return _from_array(identifier)
    if callable(identifier):
        return identifier
    raise _unknown(identifier)


__all__ = [cls.__name__ for cls in _CLASSES] + [
    "RandomInitializer", "compute_fans", "deserialize", "get", "serialize",
]
