"""Neural-network ops of ``keras.ops`` (activations, one-hot, normalisation) over ``jax.nn``.

These keep the ``keras.ops`` signatures, which differ from ``keras.activations`` in places:
``ops.gelu`` is approximate by default and ``ops.relu`` has no leak or cap arguments.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strata import config
from strata.ops._convert import accepts_variables, as_array, as_axis, unary

relu = unary(jax.nn.relu, "relu")
relu6 = unary(jax.nn.relu6, "relu6")
sigmoid = unary(jax.nn.sigmoid, "sigmoid")
softplus = unary(jax.nn.softplus, "softplus")
softsign = unary(jax.nn.soft_sign, "softsign")
silu = unary(jax.nn.silu, "silu")
swish = unary(jax.nn.silu, "swish")
selu = unary(jax.nn.selu, "selu")
log_sigmoid = unary(jax.nn.log_sigmoid, "log_sigmoid")
hard_sigmoid = unary(jax.nn.hard_sigmoid, "hard_sigmoid")
hard_silu = unary(jax.nn.hard_silu, "hard_silu")
hard_swish = unary(jax.nn.hard_silu, "hard_swish")
hard_tanh = unary(jax.nn.hard_tanh, "hard_tanh")
sparse_plus = unary(jax.nn.sparse_plus, "sparse_plus")
sparse_sigmoid = unary(jax.nn.sparse_sigmoid, "sparse_sigmoid")


@accepts_variables
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, else ``negative_slope * x``."""
    return jax.nn.leaky_relu(as_array(x), negative_slope=negative_slope)


@accepts_variables
def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return jax.nn.elu(as_array(x), alpha=alpha)


@accepts_variables
def celu(x, alpha=1.0):
    """Continuously differentiable ELU."""
    return jax.nn.celu(as_array(x), alpha=alpha)


@accepts_variables
def gelu(x, approximate=True):
    """Gaussian error linear unit (the tanh approximation by default, as ``keras.ops.gelu``)."""
    return jax.nn.gelu(as_array(x), approximate=approximate)


@accepts_variables
def glu(x, axis=-1):
    """Gated linear unit along ``axis``."""
    return jax.nn.glu(as_array(x), axis=axis)


@accepts_variables
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    return jax.nn.squareplus(as_array(x), b=b)


@accepts_variables
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return jax.nn.softmax(as_array(x), axis=as_axis(axis))


@accepts_variables
def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    return jax.nn.log_softmax(as_array(x), axis=as_axis(axis))


@accepts_variables
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot rows for integer labels ``x`` (``floatx`` by default; out-of-range labels give zeros)."""
    if sparse:
        raise ValueError("strata has no sparse tensors. Received: sparse=True; pass sparse=False.")
    dtype = dtype if dtype is not None else config.floatx()
    return jax.nn.one_hot(as_array(x), num_classes, dtype=dtype, axis=axis)


@accepts_variables
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False):
    """Multi-hot encoding: the one-hot rows of the last axis combined with a logical or."""
    if num_classes is None:
        raise ValueError("`multi_hot` needs `num_classes`. Received: num_classes=None")
    inputs = jnp.asarray(as_array(inputs)).astype("int32")
    encoded = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return jnp.max(encoded, axis=1 if inputs.ndim > 1 else 0)


@accepts_variables
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x / max(norm(x), epsilon)`` along ``axis`` (``epsilon`` defaults to ``config.epsilon()``)."""
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"`order` must be an int >= 1. Received: order={order!r}")
    x = jnp.asarray(as_array(x))
    if x.ndim == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    axis = as_axis(axis)
    if order == 2:
        inverse = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inverse, 1.0 / epsilon)
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, epsilon)
