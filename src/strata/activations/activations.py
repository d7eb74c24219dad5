"""Keras's activation functions, computed with ``jax.nn`` and ``jax.numpy``.

Each function takes an array (or a ``Variable``, or a nested list of numbers), is pure and can be
traced by ``jax.jit``.  Names, arguments and defaults are Keras 3's; so are the formulas (for
example ``hard_sigmoid(x) = relu6(x + 3) / 6`` and ``gelu`` exact by default).
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from strata.ops._convert import as_array


def _tensor(x: Any) -> jax.Array:
    return jnp.asarray(as_array(x))


def linear(x: Any) -> Any:
    """Identity: returns ``x`` unchanged."""
    return x


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0):
    """Rectified linear unit with Keras's optional leak, cap and threshold.

    Values above ``threshold`` pass through (capped at ``max_value`` when given); values below
    become ``negative_slope * (x - threshold)``.

    Example:
        >>> relu([-5.0, -2.5, 0.0, 5.0, 10.0], max_value=5.0).tolist()
        [0.0, 0.0, 0.0, 5.0, 5.0]
    """
    x = _tensor(x)
    if threshold != 0:
        positive = jnp.where(x > jnp.asarray(threshold, x.dtype), x, jnp.zeros((), x.dtype))
    else:
        positive = jax.nn.relu(x)
    if max_value is not None:
        positive = jnp.clip(positive, jnp.zeros((), x.dtype), jnp.asarray(max_value, x.dtype))
    if negative_slope != 0:
        below = jax.nn.relu(jnp.asarray(threshold, x.dtype) - x)
        positive = positive - jnp.asarray(negative_slope, x.dtype) * below
    return positive


def leaky_relu(x: Any, negative_slope: float = 0.2) -> jax.Array:
    """``x`` for ``x >= 0``, else ``negative_slope * x``."""
    return jax.nn.leaky_relu(_tensor(x), negative_slope=negative_slope)


def relu6(x: Any) -> jax.Array:
    """``min(max(x, 0), 6)``."""
    return jax.nn.relu6(_tensor(x))


def elu(x: Any, alpha: float = 1.0) -> jax.Array:
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return jax.nn.elu(_tensor(x), alpha=alpha)


def selu(x: Any) -> jax.Array:
    """Scaled ELU with the self-normalising constants (alpha 1.67326324, scale 1.05070098)."""
    return jax.nn.selu(_tensor(x))


def celu(x: Any, alpha: float = 1.0) -> jax.Array:
    """``max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)``."""
    return jax.nn.celu(_tensor(x), alpha=alpha)


def softplus(x: Any) -> jax.Array:
    """``log(exp(x) + 1)``, computed stably."""
    return jax.nn.softplus(_tensor(x))


def softsign(x: Any) -> jax.Array:
    """``x / (abs(x) + 1)``."""
    return jax.nn.soft_sign(_tensor(x))


def soft_shrink(x: Any, threshold: float = 0.5) -> jax.Array:
    """Shrinks values towards zero by ``threshold``; values within ``threshold`` become 0."""
    x = _tensor(x)
    zero = jnp.zeros((), x.dtype)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, zero))


def sparse_plus(x: Any) -> jax.Array:
    """0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above 1."""
    return jax.nn.sparse_plus(_tensor(x))


def silu(x: Any) -> jax.Array:
    """``x * sigmoid(x)`` (also called swish)."""
    return jax.nn.silu(_tensor(x))


swish = silu


def squareplus(x: Any, b: float = 4) -> jax.Array:
    """``(x + sqrt(x**2 + b)) / 2``."""
    return jax.nn.squareplus(_tensor(x), b=b)


def gelu(x: Any, approximate: bool = False) -> jax.Array:
    """Gaussian error linear unit, exact (erf) unless ``approximate=True`` (tanh form)."""
    return jax.nn.gelu(_tensor(x), approximate=approximate)


def glu(x: Any, axis: int = -1) -> jax.Array:
    """Splits ``x`` in halves ``a, b`` along ``axis`` and returns ``a * sigmoid(b)``."""
    return jax.nn.glu(_tensor(x), axis=axis)


def tanh(x: Any) -> jax.Array:
    """Hyperbolic tangent."""
    return jnp.tanh(_tensor(x))


def tanh_shrink(x: Any) -> jax.Array:
    """``x - tanh(x)``."""
    x = _tensor(x)
    return x - jnp.tanh(x)


def hard_tanh(x: Any) -> jax.Array:
    """``clip(x, -1, 1)``."""
    return jax.nn.hard_tanh(_tensor(x))


def hard_shrink(x: Any, threshold: float = 0.5) -> jax.Array:
    """``x`` where ``abs(x) > threshold``, else 0."""
    x = _tensor(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros((), x.dtype))


def threshold(x: Any, threshold: float, default_value: float) -> jax.Array:
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _tensor(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


def sigmoid(x: Any) -> jax.Array:
    """``1 / (1 + exp(-x))``."""
    return jax.nn.sigmoid(_tensor(x))


def sparse_sigmoid(x: Any) -> jax.Array:
    """0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above 1."""
    return jax.nn.sparse_sigmoid(_tensor(x))


def exponential(x: Any) -> jax.Array:
    """``exp(x)``."""
    return jnp.exp(_tensor(x))


def hard_sigmoid(x: Any) -> jax.Array:
    """Keras 3's piecewise-linear sigmoid: ``relu6(x + 3) / 6``."""
    return jax.nn.hard_sigmoid(_tensor(x))


def log_sigmoid(x: Any) -> jax.Array:
    """``log(sigmoid(x))`` computed stably."""
    return jax.nn.log_sigmoid(_tensor(x))


def hard_silu(x: Any) -> jax.Array:
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    return jax.nn.hard_silu(_tensor(x))


hard_swish = hard_silu


def mish(x: Any) -> jax.Array:
    """``x * tanh(softplus(x))``."""
    x = _tensor(x)
    return x * jnp.tanh(jax.nn.softplus(x))


def _warn_single_class(x: jax.Array, axis: Any) -> None:
    if isinstance(axis, int) and -x.ndim <= axis < x.ndim and x.shape[axis] == 1:
        warnings.warn(
            f"softmax over axis {axis} of a tensor of shape {x.shape}: that axis has size 1, so "
            "every output is exactly 1. For a single-unit binary classifier use 'sigmoid'.",
            UserWarning,
            stacklevel=3,
        )


def softmax(x: Any, axis: int = -1) -> jax.Array:
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int or a tuple of ints)."""
    x = _tensor(x)
    _warn_single_class(x, axis)
    return jax.nn.softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)


def log_softmax(x: Any, axis: int = -1) -> jax.Array:
    """``x - logsumexp(x)`` along ``axis``."""
    x = _tensor(x)
    return jax.nn.log_softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)


def sparsemax(x: Any, axis: int = -1) -> jax.Array:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Unlike Keras 3.15 (whose threshold sums the running sums, so its rows need not add up to 1),
    this is the published sparsemax: every output row sums to 1.
    """
    x = _tensor(x)
    axis = axis % x.ndim
    ordered = -jnp.sort(-x, axis=axis)
    running = jnp.cumsum(ordered, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    rank = jnp.arange(1, x.shape[axis] + 1, dtype=x.dtype).reshape(shape)
    support_size = jnp.sum(ordered - (running - 1) / rank > 0, axis=axis, keepdims=True)
    top_sum = jnp.take_along_axis(running, support_size - 1, axis=axis)
    tau = (top_sum - 1) / support_size.astype(x.dtype)
    return jnp.maximum(x - tau, jnp.zeros((), x.dtype))
