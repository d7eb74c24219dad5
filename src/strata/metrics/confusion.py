"""Confusion-matrix metrics: true/false positives/negatives, precision and recall.

Each keeps one count per threshold (a vector of length ``len(thresholds)``; the default is the
single threshold 0.5).  A prediction is positive when ``y_pred > threshold``, a label when it is
non-zero.  Counts are sums of sample weights, so rows of weight 0 add nothing.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.metrics.metric import Metric
from strata.metrics.thresholds import NEG_INF, confusion_counts, evenly_spaced, parse_thresholds
from strata.metrics.weighting import divide_no_nan


class _ThresholdMetric(Metric):
    """Shared machinery: thresholds, one zero-initialised count vector per kind, the update."""

    _kinds: tuple[tuple[str, str], ...] = ()  # (kind, variable name)

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None,
                 default_threshold: float = 0.5) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default=default_threshold)
        self._thresholds_distributed_evenly = evenly_spaced(self.thresholds)
        self._counts = {
            kind: self.add_variable(shape=(len(self.thresholds),), initializer="zeros", name=variable_name)
            for kind, variable_name in self._kinds
        }

    def _update_counts(self, y_true, y_pred, sample_weight=None, top_k=None, class_id=None) -> None:
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            kinds=tuple(self._counts),
            evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            top_k=top_k,
            class_id=class_id,
            dtype=self._counts[self._kinds[0][0]].dtype,
        )
        for kind, variable in self._counts.items():
            variable.assign(variable.value + counts[kind])

    def _one_or_all(self, values):
        return values[0] if len(self.thresholds) == 1 else values


class _ConfusionMatrixConditionCount(_ThresholdMetric):
    """One confusion-matrix count per threshold, in a variable named ``accumulator``."""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)
        self.accumulator = self._counts[self._kinds[0][0]]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._update_counts(y_true, y_pred, sample_weight)

    def result(self):
        return jnp.asarray(self._one_or_all(self.accumulator.value))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted positive (``keras.metrics.TruePositives``).

    Args:
        thresholds: A float or list of floats in ``[0, 1]``; one count per threshold. Default 0.5.
        name: Name of the metric.
        dtype: Dtype of the state.

    Example:
        >>> float(TruePositives()([0, 1, 1, 1], [1, 0, 1, 1]))
        2.0
    """

    _kinds = (("tp", "accumulator"),)


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted positive (``keras.metrics.FalsePositives``)."""

    _kinds = (("fp", "accumulator"),)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted negative (``keras.metrics.TrueNegatives``)."""

    _kinds = (("tn", "accumulator"),)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted negative (``keras.metrics.FalseNegatives``)."""

    _kinds = (("fn", "accumulator"),)


class _PrecisionRecall(_ThresholdMetric):
    _direction = "up"

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        default = 0.5 if top_k is None else NEG_INF
        super().__init__(thresholds=thresholds, name=name, dtype=dtype, default_threshold=default)
        self.top_k = top_k
        self.class_id = class_id
        self.true_positives = self._counts["tp"]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._update_counts(y_true, y_pred, sample_weight, top_k=self.top_k, class_id=self.class_id)

    def _ratio(self, other: str):
        tp = self.true_positives.value
        return self._one_or_all(divide_no_nan(tp, tp + self._counts[other].value))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """``tp / (tp + fp)``: how many predicted positives are positive (``keras.metrics.Precision``).

    Args:
        thresholds: A float or list of floats in ``[0, 1]``; one precision per threshold.
            Default 0.5 (or none with ``top_k``: the top scores count as positive).
        top_k: Only the ``k`` top-scored classes of each row count as predicted positive.
        class_id: Only compute the precision of this class (column).
        name: Name of the metric.
        dtype: Dtype of the state.

    Example:
        >>> float(Precision()([0, 1, 1, 1], [1, 0, 1, 1]))
        0.6666666865348816
    """

    _kinds = (("tp", "true_positives"), ("fp", "false_positives"))

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype)
        self.false_positives = self._counts["fp"]

    def result(self):
        return self._ratio("fp")


class Recall(_PrecisionRecall):
    """``tp / (tp + fn)``: how many positives are predicted positive (``keras.metrics.Recall``).

    Arguments as :class:`Precision`.

    Example:
        >>> float(Recall()([0, 1, 1, 1], [1, 0, 1, 1]))
        0.6666666865348816
    """

    _kinds = (("tp", "true_positives"), ("fn", "false_negatives"))

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype)
        self.false_negatives = self._counts["fn"]

    def result(self):
        return self._ratio("fn")
