"""Weight regularizers (``keras.regularizers``) and their name registry.

Names are Keras's: ``"l1"``, ``"l2"``, ``"l1l2"``, ``"orthogonal_regularizer"`` and the class
names; ``"l1_l2"`` (the tf.keras 2 name) is accepted too.  ``"l2"`` means ``L2(l2=0.01)``.

Example:
    >>> from strata import regularizers
    >>> regularizers.get("l2").get_config()
    {'l2': 0.01}
"""

from __future__ import annotations

import inspect
from typing import Any

from strata.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT: dict[str, type[Regularizer]] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({
    "regularizer": Regularizer,
    "l1": L1,
    "l2": L2,
    "l1l2": L1L2,
    "l1_l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
})
"""Every name ``get`` accepts, mapped to its class."""

# Lower-case aliases, as ``keras.regularizers.l2(0.001)``.
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


def _unknown(identifier: Any) -> ValueError:
    return ValueError(
        f"Unknown regularizer: {identifier!r}. Expected one of {sorted(ALL_OBJECTS_DICT)}, a "
        f"Regularizer, a callable returning a scalar, or None. Received: identifier={identifier!r}"
    )


def serialize(regularizer: Any) -> dict[str, Any] | None:
    """Keras's dict ``{"module", "class_name", "config", "registered_name"}`` (None for None)."""
    if regularizer is None:
        return None
    if not hasattr(regularizer, "get_config"):
        raise ValueError(
            "Only Regularizer objects (with `get_config`) can be serialized. "
            f"Received: regularizer={regularizer!r}"
        )
    cls = type(regularizer)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__) is cls
    return {
        "module": "keras.regularizers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": regularizer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Regularizer:
    """Rebuild a regularizer from :func:`serialize`'s dict, a ``{"class_name", "config"}`` dict or a name."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`config` must be a regularizer name or a dict with a 'class_name' key. "
            f"Received: config={config!r}"
        )
    custom_objects = custom_objects or {}
    name = config["class_name"]
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name")) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise _unknown(name)
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Any:
    """Return a regularizer from a name, a config dict, a class, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise _unknown(identifier)


__all__ = [cls.__name__ for cls in _CLASSES] + ["deserialize", "get", "serialize"]
