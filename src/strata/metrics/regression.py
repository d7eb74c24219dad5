"""Regression metrics: mean squared / absolute / percentage / logarithmic errors, RMSE, cosine, log-cosh.

Most are the running mean of the matching per-sample loss function from :mod:`strata.losses`;
``RootMeanSquaredError`` is the square root of the mean squared error over all values seen, and
``CosineSimilarity`` is the mean cosine similarity (positive: 1 for parallel vectors).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata import config
from strata.losses.loss import match_rank, squeeze_or_expand_to_same_rank
from strata.losses.regression import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from strata.metrics.reduction import Mean, MeanMetricWrapper


class _ErrorMetric(MeanMetricWrapper):
    """A mean of a per-sample error function; smaller is better; config is name and dtype only."""

    _direction = "down"
    _function: Any = None

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(fn=type(self)._function, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_ErrorMetric):
    """Mean of ``(y_true - y_pred) ** 2`` (``keras.metrics.MeanSquaredError``).

    Example:
        >>> float(MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]))
        0.25
    """

    _function = staticmethod(mean_squared_error)

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(_ErrorMetric):
    """Mean of ``|y_true - y_pred|`` (``keras.metrics.MeanAbsoluteError``)."""

    _function = staticmethod(mean_absolute_error)

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class MeanAbsolutePercentageError(_ErrorMetric):
    """Mean of ``100 * |(y_true - y_pred) / y_true|`` (``keras.metrics.MeanAbsolutePercentageError``)."""

    _function = staticmethod(mean_absolute_percentage_error)

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_ErrorMetric):
    """Mean of ``(log(1 + y_pred) - log(1 + y_true)) ** 2`` (``keras.metrics.MeanSquaredLogarithmicError``)."""

    _function = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class LogCoshError(_ErrorMetric):
    """Mean of ``log(cosh(y_pred - y_true))`` (``keras.metrics.LogCoshError``); named ``"logcosh"``."""

    _function = staticmethod(log_cosh)

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the mean of ``(y_true - y_pred) ** 2`` over everything seen
    (``keras.metrics.RootMeanSquaredError``).

    Example:
        >>> float(RootMeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]))
        0.5
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = jnp.asarray(y_true, dtype=self.dtype)
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = match_rank(*squeeze_or_expand_to_same_rank(y_true, y_pred))
        super().update_state(jnp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return jnp.sqrt(super().result())


def _l2_normalize(x, axis):
    inverse_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    return x * jnp.minimum(inverse_norm, jnp.asarray(1.0 / config.epsilon(), x.dtype))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity of ``y_true`` and ``y_pred`` along ``axis`` (1 for parallel vectors).

    Note the sign: the *loss* of the same name is the negative of this.

    Example:
        >>> cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]).tolist()
        [0.0, 0.9999999403953552]
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = match_rank(*squeeze_or_expand_to_same_rank(y_true, y_pred))
    return jnp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions (``keras.metrics.CosineSimilarity``).

    Args:
        name: Name of the metric.
        dtype: Dtype of the state.
        axis: The axis the vectors lie along.
    """

    _direction = "up"

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}
