"""Weight constraints (``keras.constraints``) and their name registry.

Names are Keras's: the class names and their snake-case forms (``"max_norm"``, ``"non_neg"``,
``"unit_norm"``, ``"min_max_norm"``).

Example:
    >>> from strata import constraints
    >>> constraints.get("max_norm").get_config()
    {'max_value': 2, 'axis': 0}
"""

from __future__ import annotations

import inspect
from typing import Any

from strata.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL_OBJECTS_DICT: dict[str, type[Constraint]] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({
    "constraint": Constraint,
    "max_norm": MaxNorm,
    "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
})
"""Every name ``get`` accepts, mapped to its class."""

# Lower-case aliases, as ``keras.constraints.max_norm(3)``.
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm


def _unknown(identifier: Any) -> ValueError:
    return ValueError(
        f"Unknown constraint: {identifier!r}. Expected one of {sorted(ALL_OBJECTS_DICT)}, a "
        f"Constraint, a callable, or None. Received: identifier={identifier!r}"
    )


def serialize(constraint: Any) -> dict[str, Any] | None:
    """Keras's dict ``{"module", "class_name", "config", "registered_name"}`` (None for None)."""
    if constraint is None:
        return None
    if not hasattr(constraint, "get_config"):
        raise ValueError(
            "Only Constraint objects (with `get_config`) can be serialized. "
            f"Received: constraint={constraint!r}"
        )
    cls = type(constraint)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__) is cls
    return {
        "module": "keras.constraints" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": constraint.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Constraint:
    """Rebuild a constraint from :func:`serialize`'s dict, a ``{"class_name", "config"}`` dict or a name."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`config` must be a constraint name or a dict with a 'class_name' key. "
            f"Received: config={config!r}"
        )
    custom_objects = custom_objects or {}
    name = config["class_name"]
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name")) or ALL_OBJECTS_DICT.get(name)
    if cls is None:
        raise _unknown(name)
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Any:
    """Return a constraint from a name, a config dict, a class, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise _unknown(identifier)


__all__ = [cls.__name__ for cls in _CLASSES] + ["deserialize", "get", "serialize"]
