"""Small numeric helpers the metrics share: safe division, argmax, and sample weighting.

All of them broadcast explicitly (strata runs with JAX rank promotion set to raise) and are
traceable: shapes are static and values never steer Python control flow.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from strata.losses.loss import match_rank, squeeze_or_expand_to_same_rank


def divide_no_nan(numerator, denominator):
    """``numerator / denominator``, with 0 wherever the denominator is 0."""
    numerator, denominator = match_rank(jnp.asarray(numerator), jnp.asarray(denominator))
    safe = jnp.where(denominator == 0, jnp.ones_like(denominator), denominator)
    quotient = numerator / safe
    return jnp.where(denominator == 0, jnp.zeros_like(quotient), quotient)


def argmax(x, axis: int = -1):
    """``jnp.argmax`` that ranks ``-0.0`` just below ``0.0``, as Keras's JAX backend does."""
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.floating) and x.ndim > 0:
        tiny = jnp.asarray(jnp.finfo(x.dtype).tiny, x.dtype)
        x = jnp.where((x == 0) & jnp.signbit(x), -tiny, x)
    return jnp.argmax(x, axis=axis)


def weighted(values, weights):
    """``values * weights`` (same shapes), exactly 0 where the weight is 0 even if a value is not finite.

    Rows of a padded batch carry weight 0; they must not leak ``nan`` or ``inf`` into a sum.
    """
    return jnp.where(weights == 0, jnp.zeros_like(values), values * weights)


def _trailing_axes(ndim: int, start: int) -> tuple[int, ...]:
    return tuple(range(start, ndim))


def samplewise(values, sample_weight, reduce_fn, dtype: str):
    """Reduce ``values`` to one number per sample, weighted by ``sample_weight``.

    The weight may have the shape of the values or of any leading part of it (``(n,)`` per sample
    for ``(n, k)`` values): values are first reduced with ``reduce_fn`` (``jnp.mean`` or
    ``jnp.sum``) over the axes the weight lacks, then multiplied by it; a weight of rank > 1 is
    reduced the same way.

    Returns:
        ``(values, weights)``: values of shape ``(n,)`` (or ``()``), and the per-sample weights
        (``None`` when ``sample_weight`` is ``None``).
    """
    values = jnp.asarray(values, dtype=dtype)
    weights = None
    if sample_weight is not None:
        weights = jnp.asarray(sample_weight, dtype=dtype)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = reduce_fn(values, axis=_trailing_axes(values.ndim, weights.ndim))
        if weights.shape != values.shape:
            try:
                weights = jnp.broadcast_to(weights, values.shape)
            except ValueError:
                raise ValueError(
                    f"`sample_weight` of shape {tuple(np.shape(sample_weight))} cannot be broadcast to "
                    f"the metric values of shape {values.shape}. Pass one weight per sample (shape "
                    "(batch,)) or one per value."
                ) from None
        values = weighted(values, weights)
        if weights.ndim > 1:
            weights = reduce_fn(weights, axis=_trailing_axes(weights.ndim, 1))
    if values.ndim > 1:
        values = reduce_fn(values, axis=_trailing_axes(values.ndim, 1))
    return values, weights


def align_weights(sample_weight, shape: tuple[int, ...], dtype: str):
    """A per-sample (or per-value) weight broadcast to ``shape`` (``(n,)`` weights for ``(n, k)`` values)."""
    weights = jnp.asarray(sample_weight, dtype=dtype)
    if weights.ndim < len(shape):
        weights = jnp.reshape(weights, weights.shape + (1,) * (len(shape) - weights.ndim))
    return jnp.broadcast_to(weights, shape)
