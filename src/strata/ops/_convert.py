"""The single bridge between strata objects and ``jax`` functions inside ``strata.ops``.

JAX no longer reads objects through ``__jax_array__``, so every op hands its arguments to
:func:`unwrap` first: a :class:`~strata.core.variable.Variable` becomes its current ``value``
(the mapped value inside a stateless scope), and lists, tuples and dicts are unwrapped element by
element.  :func:`accepts_variables` applies this to every argument of an op.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from strata.core.variable import Variable


def unwrap(value: Any) -> Any:
    """Replace every ``Variable`` in ``value`` (nested lists, tuples, dicts) by its array."""
    if isinstance(value, Variable):
        return value.value
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(unwrap(item) for item in value)
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    return value


def as_array(value: Any) -> Any:
    """``unwrap`` plus: a list or tuple operand becomes one array (as Keras converts it)."""
    import jax.numpy as jnp

    value = unwrap(value)
    if isinstance(value, (list, tuple)):
        return jnp.asarray(value)
    return value


def accepts_variables(fn: Callable) -> Callable:
    """Wrap ``fn`` so that its positional and keyword arguments are unwrapped first."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        args = [unwrap(arg) for arg in args]
        kwargs = {key: unwrap(arg) for key, arg in kwargs.items()}
        return fn(*args, **kwargs)

    return op


def _named(op: Callable, name: str, doc: str) -> Callable:
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    op.__module__ = "strata.ops"
    return op


def unary(jax_fn: Callable, name: str) -> Callable:
    """A Keras op ``name(x)`` computed by ``jax_fn``."""

    def op(x):
        return jax_fn(as_array(x))

    return _named(op, name, f"Keras ``ops.{name}(x)``, computed by ``{_jax_name(jax_fn)}``.")


def binary(jax_fn: Callable, name: str) -> Callable:
    """A Keras op ``name(x1, x2)`` computed by ``jax_fn``."""

    def op(x1, x2):
        return jax_fn(as_array(x1), as_array(x2))

    return _named(op, name, f"Keras ``ops.{name}(x1, x2)``, computed by ``{_jax_name(jax_fn)}``.")


def reduction(jax_fn: Callable, name: str) -> Callable:
    """A Keras op ``name(x, axis=None, keepdims=False)`` computed by ``jax_fn``."""

    def op(x, axis=None, keepdims=False):
        return jax_fn(as_array(x), axis=as_axis(axis), keepdims=keepdims)

    doc = f"Keras ``ops.{name}(x, axis=None, keepdims=False)``, computed by ``{_jax_name(jax_fn)}``."
    return _named(op, name, doc)


def as_axis(axis: Any) -> Any:
    """Keras accepts a list of axes where JAX wants a tuple."""
    return tuple(axis) if isinstance(axis, list) else axis


def _jax_name(fn: Callable) -> str:
    module = (getattr(fn, "__module__", None) or "").replace("._src", "")
    name = getattr(fn, "__name__", repr(fn))
    return f"{module}.{name}" if module else name
