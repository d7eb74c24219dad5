"""One config mechanism for every layer: a layer states its constructor arguments once.

A layer lists its constructor arguments in ``_config_args`` (in Keras's config order) and stores
each one as an attribute of the same name.  ``Layer.get_config`` then writes them and
``Layer.from_config`` reads them back, turning the arguments that hold objects into Keras's
serialized form and back.  Which family an argument belongs to follows Keras's own naming, so no
layer repeats a serialize/deserialize block:

* ``*_initializer`` -> :mod:`strata.initializers`
* ``*_regularizer`` -> :mod:`strata.regularizers`
* ``*_constraint``  -> :mod:`strata.constraints`
* ``activation``, ``recurrent_activation`` -> :mod:`strata.activations`
"""

from __future__ import annotations

from typing import Any

_ACTIVATIONS = ("activation", "recurrent_activation")


def _family(name: str) -> Any:
    from strata import activations, constraints, initializers, regularizers

    if name.endswith("_initializer"):
        return initializers
    if name.endswith("_regularizer"):
        return regularizers
    if name.endswith("_constraint"):
        return constraints
    if name in _ACTIVATIONS:
        return activations
    return None


def resolve_argument(name: str, value: Any) -> Any:
    """The object a constructor argument names (``"relu"`` -> the function), by its family."""
    family = _family(name)
    return value if family is None else family.get(value)


def serialize_argument(name: str, value: Any) -> Any:
    """One constructor argument as Keras writes it in a config."""
    family = _family(name)
    if family is None:
        return list(value) if isinstance(value, list) else value
    return family.serialize(value)


def deserialize_arguments(config: dict, custom_objects: dict | None = None) -> dict:
    """``config`` with every serialized object turned back into what the constructor takes."""
    result = dict(config)
    for name, value in config.items():
        family = _family(name)
        if family is not None and isinstance(value, dict):
            result[name] = family.deserialize(value, custom_objects)
    return result
