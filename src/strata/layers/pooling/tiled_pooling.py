"""Pooling over non-overlapping windows as reshapes: the common case (``strides == pool_size``).

When the windows tile the input (``valid`` padding, strides equal to the pool size: the default of
every pooling layer), pooling is a reshape of each spatial axis into ``(windows, pool)`` and a
reduction over the ``pool`` axes.  XLA:CPU runs this far faster than ``reduce_window``, whose max
gradient (``select_and_scatter``) took more than half of the course CNN's training step.

The max gradient keeps XLA's rule for ties: the whole gradient goes to the *first* maximum of each
window (row-major order), so results equal ``reduce_window``'s exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np


def tiles_input(pool_size: Sequence[int], strides: Sequence[int], padding: str) -> bool:
    """Whether the windows tile the input (valid padding, strides equal to the pool size)."""
    return padding == "valid" and tuple(pool_size) == tuple(strides)


def _blocked(x: jax.Array, pool_size: Sequence[int], axes: Sequence[int]) -> tuple[jax.Array, tuple[int, ...]]:
    """``x`` cropped to whole windows and reshaped so axis ``a`` becomes ``(a // p, p)``."""
    crop = tuple(slice(None) if i not in axes else slice(0, x.shape[i] // pool_size[axes.index(i)]
                                                           * pool_size[axes.index(i)])
                 for i in range(x.ndim))
    x = x[crop]
    shape: list[int] = []
    for i, length in enumerate(x.shape):
        if i in axes:
            p = pool_size[axes.index(i)]
            shape += [length // p, p]
        else:
            shape.append(length)
    pool_axes = tuple(axes[k] + k + 1 for k in range(len(axes)))  # the inserted window axes
    return jnp.reshape(x, shape), pool_axes


def average_pool(x: jax.Array, pool_size: Sequence[int], axes: Sequence[int]) -> jax.Array:
    """Mean of each non-overlapping window along ``axes``."""
    blocked, pool_axes = _blocked(x, pool_size, list(axes))
    return jnp.mean(blocked, axis=pool_axes)


def max_pool(x: jax.Array, pool_size: Sequence[int], axes: Sequence[int]) -> jax.Array:
    """Maximum of each non-overlapping window along ``axes`` (gradient to the first maximum)."""
    return _max_pool_fn(tuple(pool_size), tuple(axes))(x)


_FUNCTIONS: dict = {}


def _max_pool_fn(pool_size: tuple, axes: tuple):
    """A ``custom_vjp`` max pool for one static window configuration (cached)."""
    key = (pool_size, axes)
    if key in _FUNCTIONS:
        return _FUNCTIONS[key]

    @jax.custom_vjp
    def pool(x: jax.Array) -> jax.Array:
        blocked, pool_axes = _blocked(x, pool_size, list(axes))
        return jnp.max(blocked, axis=pool_axes)

    def forward(x: jax.Array):
        return pool(x), x

    def backward(x: jax.Array, g: jax.Array):
        blocked, pool_axes = _blocked(x, pool_size, list(axes))
        kept = [i for i in range(blocked.ndim) if i not in pool_axes]
        windows = jnp.transpose(blocked, kept + list(pool_axes))  # (..., *pool)
        flat = jnp.reshape(windows, windows.shape[:len(kept)] + (-1,))
        first = jnp.argmax(flat, axis=-1)  # the first maximum, as XLA's select_and_scatter picks
        positions = jnp.reshape(jnp.arange(flat.shape[-1]), (1,) * first.ndim + (flat.shape[-1],))
        chosen = positions == first[..., None]
        spread = jnp.where(chosen, g[..., None], jnp.zeros((), g.dtype))
        spread = jnp.reshape(spread, windows.shape)
        inverse = np.argsort(kept + list(pool_axes))
        grad = jnp.reshape(jnp.transpose(spread, tuple(inverse)), tuple(
            x.shape[i] // pool_size[axes.index(i)] * pool_size[axes.index(i)] if i in axes else x.shape[i]
            for i in range(x.ndim)))
        pads = [(0, x.shape[i] - grad.shape[i]) for i in range(x.ndim)]
        return (jnp.pad(grad, pads) if any(p for _, p in pads) else grad,)

    pool.defvjp(forward, backward)
    _FUNCTIONS[key] = pool
    return pool
