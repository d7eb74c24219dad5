"""``R2Score``: the coefficient of determination, accumulated per output column.

State (Keras's names and order): ``num_samples``, then per column ``squared_sum`` (weighted sum of
``y**2``), ``sum`` (weighted sum of ``y``), ``residual`` (weighted sum of squared errors) and
``count`` (sum of weights).  The per-column variables need the number of columns, so they are
created by :meth:`R2Score.build`, called by the first ``update_state`` or ahead of time by the
training engine (state arrays must exist before a compiled step runs).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.losses.loss import squeeze_or_expand_to_same_rank
from strata.metrics.metric import Metric
from strata.metrics.weighting import align_weights

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """R² of predictions against targets (``keras.metrics.R2Score``).

    Args:
        class_aggregation: ``"uniform_average"`` (mean over columns), ``"variance_weighted_average"``
            (weighted by each column's variance) or ``None`` (one score per column).
        num_regressors: Number of independent variables, for the adjusted R²; 0 for plain R².
        name: Name of the metric.
        dtype: Dtype of the state.

    Example:
        >>> m = R2Score()
        >>> round(float(m([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])), 4)
        0.5714
    """

    _direction = "up"

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {_AGGREGATIONS}. "
                f"Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self.built = False

    def build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        """Create the per-column variables for ``(batch, columns)`` targets and predictions."""
        if self.built:
            return
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs of shape (batch_size, output_dim) with output_dim known. "
                f"Received: y_true.shape={tuple(y_true_shape)}, y_pred.shape={tuple(y_pred_shape)}. "
                "Reshape 1D targets and predictions to (batch_size, 1)."
            )
        columns = (int(y_pred_shape[-1]),)
        self.squared_sum = self.add_variable(shape=columns, initializer="zeros", name="squared_sum")
        self.sum = self.add_variable(shape=columns, initializer="zeros", name="sum")
        self.total_mse = self.add_variable(shape=columns, initializer="zeros", name="residual")
        self.count = self.add_variable(shape=columns, initializer="zeros", name="count")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = jnp.asarray(y_true, dtype=self.dtype)
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        self.build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            weights = jnp.ones(y_true.shape, self.dtype)
        else:
            weights = align_weights(sample_weight, y_true.shape, self.dtype)
        weighted_true = y_true * weights
        self.sum.assign(self.sum.value + jnp.sum(weighted_true, axis=0))
        self.squared_sum.assign(self.squared_sum.value + jnp.sum(y_true * weighted_true, axis=0))
        self.total_mse.assign(self.total_mse.value + jnp.sum(jnp.square(y_true - y_pred) * weights, axis=0))
        self.count.assign(self.count.value + jnp.sum(weights, axis=0))
        # Entries of weight 0 (the padded rows of a compiled batch) are not samples.
        seen = jnp.sum((weights != 0).astype(self.dtype))
        self.num_samples.assign(self.num_samples.value + seen)

    def result(self):
        if not self.built:
            return jnp.zeros((), self.dtype)
        mean = self.sum.value / self.count.value
        total = self.squared_sum.value - self.sum.value * mean
        raw_scores = 1 - self.total_mse.value / total
        raw_scores = jnp.where(jnp.isinf(raw_scores), jnp.zeros_like(raw_scores), raw_scores)
        if self.class_aggregation == "uniform_average":
            score = jnp.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = jnp.sum(total * raw_scores) / jnp.sum(total)
        else:
            score = raw_scores
        if self.num_regressors == 0:
            return score
        n = self.num_samples.value
        p = jnp.asarray(self.num_regressors, self.dtype)
        # Too few samples for the adjustment: Keras falls back to the plain score.
        valid = p < n - 1
        adjusted = 1.0 - (1.0 - score) * (n - 1.0) / jnp.where(valid, n - p - 1.0, 1.0)
        return jnp.where(valid, adjusted, score)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
