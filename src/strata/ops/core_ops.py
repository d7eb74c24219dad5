"""Conversion, dtype and control-flow ops of ``keras.ops`` over ``jax.numpy`` and ``jax.lax``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from strata.core.variable import Variable
from strata.ops._convert import accepts_variables, unwrap


@accepts_variables
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` (an array, a number, a nested list or a ``Variable``) as a ``jax.Array``."""
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    """``x`` as a NumPy array (a host copy)."""
    return np.asarray(unwrap(x))


@accepts_variables
def cast(x, dtype):
    """``x`` converted to ``dtype``."""
    return jnp.asarray(x).astype(dtype)


def is_tensor(x) -> bool:
    """Whether ``x`` is a JAX array (``Variable`` objects are not tensors, as in Keras)."""
    return isinstance(x, jax.Array)


def shape(x) -> tuple[int, ...]:
    """The shape as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def ndim(x) -> int:
    """The number of axes."""
    return len(shape(x))


def size(x) -> int:
    """The number of elements."""
    return int(np.prod(shape(x), dtype=np.int64))


def dtype(x) -> str:
    """The dtype name, e.g. ``"float32"``."""
    if isinstance(x, Variable):
        return x.dtype
    return jnp.asarray(x).dtype.name if not hasattr(x, "dtype") else np.dtype(x.dtype).name


@accepts_variables
def stop_gradient(variable):
    """``variable`` with its gradient blocked."""
    return lax.stop_gradient(variable)


@accepts_variables
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``, traceable."""
    return lax.cond(pred, true_fn, false_fn)


@accepts_variables
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    return lax.fori_loop(lower, upper, body_fun, init_val)


@accepts_variables
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Keras's while loop: ``cond(*loop_vars)`` and ``body(*loop_vars)`` see the unpacked loop variables.

    A single (non-tuple) ``loop_vars`` is passed as one argument and returned as one value.
    """
    packed = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if packed else (loop_vars,)

    def step(carry: tuple[Any, ...]) -> tuple[Any, ...]:
        count, values = carry
        result = body(*values)
        result = tuple(result) if packed else (result,)
        return count + 1, result

    def keep_going(carry: tuple[Any, ...]) -> Any:
        count, values = carry
        go = cond(*values)
        if maximum_iterations is not None:
            go = jnp.logical_and(go, count < maximum_iterations)
        return go

    _, final = lax.while_loop(keep_going, step, (jnp.asarray(0), state))
    if not packed:
        return final[0]
    return list(final) if isinstance(loop_vars, list) else final


@accepts_variables
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``jax.lax.scan``: carry ``init`` through ``f(carry, x)`` for each slice of ``xs``."""
    return lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)
