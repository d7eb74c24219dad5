"""Pure gradient and weight transforms every optimizer applies around its own update rule.

Clipping (per tensor, global, by value), decoupled weight decay and the weights' moving average
(EMA), each a side-effect-free function of arrays with Keras 3's exact arithmetic, so they can run
inside ``jax.jit``.  ``None`` entries in gradient lists stand for "no gradient" and pass through.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp


def clip_by_norm(grad: jax.Array, clipnorm: float) -> jax.Array:
    """Rescale ``grad`` so its L2 norm is at most ``clipnorm`` (``g * c / max(||g||, c)``)."""
    squared = jnp.sum(jnp.square(grad), keepdims=True)
    nonzero = squared > 0
    # Two-sided where keeps the gradient of sqrt finite at zero.
    norm = jnp.where(nonzero, jnp.sqrt(jnp.where(nonzero, squared, jnp.ones_like(squared))), squared)
    return grad * clipnorm / jnp.maximum(norm, clipnorm)


def global_norm(grads: Sequence[jax.Array | None]) -> jax.Array:
    """The L2 norm of all the given gradients taken together (``None`` entries skipped)."""
    squares = [jnp.sum(jnp.square(g)) for g in grads if g is not None]
    return jnp.sqrt(jnp.sum(jnp.stack(squares)))


def clip_by_global_norm(grads: Sequence[jax.Array | None], clipnorm: float) -> list:
    """Scale every gradient by one factor so their global norm is at most ``clipnorm``.

    A non-finite global norm makes every gradient NaN, as in Keras.
    """
    norm = global_norm(grads)
    scale = clipnorm * jnp.minimum(1.0 / norm, 1.0 / clipnorm) + (norm - norm)
    return [None if g is None else g * scale for g in grads]


def clip_gradients(
    grads: Sequence[jax.Array | None],
    clipnorm: float | None = None,
    global_clipnorm: float | None = None,
    clipvalue: float | None = None,
) -> list:
    """Apply whichever clipping is configured (a value of 0 or ``None`` means off)."""
    if clipnorm and clipnorm > 0:
        return [None if g is None else clip_by_norm(g, clipnorm) for g in grads]
    if global_clipnorm and global_clipnorm > 0:
        return clip_by_global_norm(grads, global_clipnorm)
    if clipvalue and clipvalue > 0:
        return [None if g is None else jnp.clip(g, -clipvalue, clipvalue) for g in grads]
    return list(grads)


def decay_weights(param: jax.Array, weight_decay: float, learning_rate: jax.Array) -> jax.Array:
    """Decoupled weight decay: ``param - param * weight_decay * learning_rate``."""
    dtype = param.dtype
    return param - param * jnp.asarray(weight_decay, dtype) * jnp.asarray(learning_rate).astype(dtype)


def ema_update(
    average: jax.Array, param: jax.Array, ema_momentum: float, iterations: jax.Array
) -> jax.Array:
    """Moving average of a weight; on the very first step the average becomes the weight itself."""
    momentum = (jnp.asarray(iterations) != 0).astype(param.dtype) * ema_momentum
    return momentum * average + (1 - momentum) * param
