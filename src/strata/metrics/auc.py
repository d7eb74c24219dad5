"""``AUC``: the area under the ROC or precision-recall curve, from confusion counts at thresholds.

The metric keeps ``true_positives``, ``false_positives``, ``true_negatives`` and
``false_negatives`` at ``num_thresholds`` thresholds (by default evenly spaced, with the end points
moved epsilon beyond 0 and 1 so that predictions of exactly 0 or 1 fall inside).  The result is a
Riemann sum over the curve those counts trace; the PR curve with ``"interpolation"`` uses the
interpolation of Davis & Goadrich (2006), as Keras does.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata import config
from strata.metrics.metric import Metric
from strata.metrics.thresholds import confusion_counts, evenly_spaced
from strata.metrics.weighting import divide_no_nan

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")
_VARIABLES = (("tp", "true_positives"), ("fp", "false_positives"), ("tn", "true_negatives"), ("fn", "false_negatives"))


def _standardize_curve(curve: Any) -> str:
    value = getattr(curve, "value", curve)
    if isinstance(value, str) and value in ("ROC", "roc", "PR", "pr", "PRGAIN", "prgain"):
        return _CURVES[value.lower()]
    raise ValueError(
        f"Invalid value for argument `curve`. Expected one of ['ROC', 'PR', 'PRGAIN']. Received: curve={curve!r}"
    )


def _standardize_summation(method: Any) -> str:
    value = getattr(method, "value", method)
    if isinstance(value, str) and value.lower() in _SUMMATIONS and value in (value.lower(), value.capitalize()):
        return value.lower()
    raise ValueError(
        "Invalid value for argument `summation_method`. Expected one of "
        f"['interpolation', 'majoring', 'minoring']. Received: summation_method={method!r}"
    )


class AUC(Metric):
    """Area under the ROC or PR curve (``keras.metrics.AUC``).

    Args:
        num_thresholds: Number of thresholds (> 1) when ``thresholds`` is not given.
        curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (default), ``"majoring"`` or ``"minoring"``.
        name: Name of the metric.
        dtype: Dtype of the state.
        thresholds: Explicit thresholds in ``[0, 1]``; epsilon-shifted 0 and 1 are added.
        multi_label: Keep counts per label column and average the per-label AUCs, instead of
            treating every entry as one binary prediction.
        num_labels: Number of label columns with ``multi_label`` (else taken from the first batch).
        label_weights: Per-label weights: of the counts (single label) or of the average (multi-label).
        from_logits: Whether ``y_pred`` holds logits (a sigmoid is applied first).

    Example:
        >>> m = AUC(num_thresholds=3)
        >>> float(m([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]))
        0.75
    """

    _direction = "up"

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        self.curve = _standardize_curve(curve)
        self.summation_method = _standardize_summation(summation_method)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._thresholds_distributed_evenly = evenly_spaced([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array([0.0 - config.epsilon()] + inner + [1.0 + config.epsilon()])
        super().__init__(name=name, dtype=dtype)
        if num_labels and not multi_label:
            raise ValueError(
                f"`num_labels` is needed only when `multi_label` is True. Received: num_labels={num_labels}, "
                "multi_label=False"
            )
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else jnp.asarray(label_weights, self.dtype)
        self._from_logits = from_logits
        self.built = False
        if not multi_label:
            self._create_variables(None)
        elif num_labels:
            self._create_variables(num_labels)

    @property
    def thresholds(self) -> list[float]:
        """All thresholds, including the epsilon-shifted end points."""
        return list(self._thresholds)

    def build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        """Create the count variables; with ``multi_label`` the label count comes from ``y_pred_shape``."""
        if self.built:
            return
        if len(y_pred_shape) != 2:
            raise ValueError(
                "`y_pred` must have rank 2 when `multi_label=True`. "
                f"Received: y_pred.shape={tuple(y_pred_shape)}"
            )
        self._create_variables(int(y_pred_shape[1]))

    def _create_variables(self, labels: int | None) -> None:
        shape = (self.num_thresholds,) if labels is None else (self.num_thresholds, labels)
        self._num_labels = labels
        self._counts = {kind: self.add_variable(shape=shape, initializer="zeros", name=name) for kind, name in _VARIABLES}
        self.true_positives, self.false_positives = self._counts["tp"], self._counts["fp"]
        self.true_negatives, self.false_negatives = self._counts["tn"], self._counts["fn"]
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = jnp.asarray(y_pred)
        self.build(np.shape(y_true), y_pred.shape)
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        counts = confusion_counts(
            y_true,
            y_pred,
            self._thresholds,
            kinds=tuple(self._counts),
            evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            dtype=self.true_positives.dtype,
        )
        for kind, variable in self._counts.items():
            variable.assign(variable.value + counts[kind])

    def reset_state(self) -> None:
        if self.built:
            super().reset_state()

    # -- the area ----------------------------------------------------------------------------------
    def _average_over_labels(self, per_threshold):
        if not self.multi_label:
            return jnp.sum(per_threshold)
        by_label = jnp.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return jnp.mean(by_label)
        return divide_no_nan(jnp.sum(by_label * self.label_weights), jnp.sum(self.label_weights))

    def _interpolated_pr_auc(self, tp, fp, fn):
        predicted = tp + fp
        d_tp = tp[:-1] - tp[1:]
        d_predicted = predicted[:-1] - predicted[1:]
        slope = divide_no_nan(d_tp, jnp.maximum(d_predicted, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both_positive = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = jnp.where(
            both_positive, divide_no_nan(predicted[:-1], jnp.maximum(predicted[1:], 0)), jnp.ones_like(predicted[1:])
        )
        increments = divide_no_nan(slope * (d_tp + intercept * jnp.log(ratio)), jnp.maximum(tp[1:] + fn[1:], 0))
        return self._average_over_labels(increments)

    def _curve_points(self, tp, fp, tn, fn):
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            return divide_no_nan(fp, fp + tn), recall
        if self.curve == "PR":
            return recall, divide_no_nan(tp, tp + fp)
        scale = divide_no_nan(tp + fn, tn + fp)
        recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
        precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
        no_tp = tp == 0.0
        recall_gain = jnp.maximum(jnp.where(no_tp, jnp.zeros_like(recall_gain), recall_gain), 0.0)
        precision_gain = jnp.where(no_tp, jnp.ones_like(precision_gain), precision_gain)
        return recall_gain, precision_gain

    def result(self):
        if not self.built:
            return jnp.zeros((), self.dtype)
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc(tp, fp, fn)
        x, y = self._curve_points(tp, fp, tn, fn)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = jnp.minimum(y[:-1], y[1:])
        else:
            heights = jnp.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def get_config(self) -> dict[str, Any]:
        label_weights = None if self.label_weights is None else np.asarray(self.label_weights).tolist()
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self._thresholds[1:-1]]
        return config
