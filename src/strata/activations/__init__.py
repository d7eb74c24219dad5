"""Activation functions (``keras.activations``) and their string registry.

Activations serialize as their name (``"relu"``); ``None`` means ``linear``.

Example:
    >>> from strata import activations
    >>> activations.get("relu") is activations.relu
    True
    >>> activations.serialize(activations.get(None))
    'linear'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strata.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)

_BUILTINS: dict[str, Callable] = {
    fn.__name__: fn
    for fn in (
        celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh,
        leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu,
        soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax,
        squareplus, tanh, tanh_shrink, threshold,
    )
}
_ALIASES: dict[str, Callable] = {"swish": silu, "hard_swish": hard_silu}
ALL_OBJECTS_DICT: dict[str, Callable] = {**_BUILTINS, **_ALIASES}
"""Every name ``get`` accepts, mapped to its function."""


def _unknown(identifier: Any) -> ValueError:
    return ValueError(
        f"Unknown activation: {identifier!r}. Expected one of {sorted(ALL_OBJECTS_DICT)}, "
        f"a callable, or None. Received: identifier={identifier!r}"
    )


def serialize(activation: Callable | None) -> Any:
    """Return the name of a built-in activation (``"linear"`` for ``None``).

    Callable objects with a ``get_config`` (activation layers, user classes) serialize as Keras's
    object dict.
    """
    if activation is None:
        return "linear"
    for name, fn in _BUILTINS.items():
        if fn is activation:
            return name
    if hasattr(activation, "get_config"):
        return {
            "module": type(activation).__module__,
            "class_name": type(activation).__name__,
            "config": activation.get_config(),
            "registered_name": None,
        }
    raise ValueError(
        f"Cannot serialize the activation {activation!r}: it is not one of strata's built-in "
        "activations. Use a built-in name, or register the function with the saving registry. "
        f"Received: activation={activation!r}"
    )


def deserialize(config: Any, custom_objects: dict[str, Callable] | None = None) -> Callable:
    """Return the activation named by ``config`` (a name or Keras's function dict)."""
    if isinstance(config, dict):
        config = config.get("config", config.get("class_name"))
    if not isinstance(config, str):
        raise TypeError(
            f"`config` must be an activation name or its serialized dict. Received: config={config!r}"
        )
    if custom_objects and config in custom_objects:
        return custom_objects[config]
    if config not in ALL_OBJECTS_DICT:
        raise _unknown(config)
    return ALL_OBJECTS_DICT[config]


def get(identifier: Any) -> Callable:
    """Return an activation function from a name, a serialized dict, a callable or ``None``."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise _unknown(identifier)


__all__ = sorted(ALL_OBJECTS_DICT) + ["deserialize", "get", "serialize"]
