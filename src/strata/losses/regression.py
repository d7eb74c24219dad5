"""Regression losses: squared, absolute, percentage and logarithmic errors, Huber, log-cosh, cosine.

Each function returns one value per sample (the mean over the last axis, or the sum for the
cosine similarity); each class wraps its function and reduces the values.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from strata import config
from strata.losses.loss import LossFunctionWrapper, prepare_pair


def mean_squared_error(y_true, y_pred):
    """Mean of ``(y_true - y_pred) ** 2`` over the last axis.

    Example:
        >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).tolist()
        [0.5]
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of ``|y_true - y_pred|`` over the last axis."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 *`` the mean of ``|(y_true - y_pred) / max(|y_true|, epsilon)|`` over the last axis."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    floor = jnp.asarray(config.epsilon(), y_pred.dtype)
    ratio = jnp.abs((y_true - y_pred) / jnp.maximum(jnp.abs(y_true), floor))
    return 100.0 * jnp.mean(ratio, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of ``(log(1 + y_pred) - log(1 + y_true)) ** 2``, both clipped below at epsilon."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    floor = jnp.asarray(config.epsilon(), y_pred.dtype)
    log_pred = jnp.log(jnp.maximum(y_pred, floor) + 1.0)
    log_true = jnp.log(jnp.maximum(y_true, floor) + 1.0)
    return jnp.mean(jnp.square(log_pred - log_true), axis=-1)


def _l2_normalize(x, axis):
    inverse_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    return x * jnp.minimum(inverse_norm, 1.0 / config.epsilon())


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis`` (``-1`` for parallel vectors, ``0`` for orthogonal)."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    return -jnp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond; mean over the last axis."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    delta = jnp.asarray(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    quadratic = 0.5 * jnp.square(error)
    linear = delta * abs_error - 0.5 * jnp.square(delta)
    return jnp.mean(jnp.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean of ``log(cosh(y_pred - y_true))`` over the last axis, computed without overflow."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    error = y_pred - y_true
    values = error + jax.nn.softplus(-2.0 * error) - jnp.asarray(math.log(2.0), y_pred.dtype)
    return jnp.mean(values, axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors (``keras.losses.MeanSquaredError``).

    Args:
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"mean_squared_error"``.
        dtype: See :class:`~strata.losses.Loss`.

    Example:
        >>> float(MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
        0.5
    """

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors (``keras.losses.MeanAbsoluteError``); arguments as :class:`MeanSquaredError`."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error (``keras.losses.MeanAbsolutePercentageError``)."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error (``keras.losses.MeanSquaredLogarithmicError``)."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity (``keras.losses.CosineSimilarity``).

    Args:
        axis: Axis along which the similarity is computed. Like Keras 3.15, ``get_config`` does
            not record it.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"cosine_similarity"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ()

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)


class Huber(LossFunctionWrapper):
    """Huber loss (``keras.losses.Huber``).

    Args:
        delta: Error size where the loss turns from quadratic to linear. Like Keras 3.15,
            ``get_config`` does not record it.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"huber_loss"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ()

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error (``keras.losses.LogCosh``)."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)
