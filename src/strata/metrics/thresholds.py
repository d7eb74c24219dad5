"""Weighted confusion-matrix counts at a list of thresholds, shared by the confusion metrics and AUC.

A prediction counts as positive at threshold ``t`` when ``y_pred > t``; a label is positive when it
is non-zero.  For each threshold the four counts ``tp``, ``fp``, ``tn`` and ``fn`` are sums of
sample weights.  Two computations give Keras's numbers:

* thresholds spread evenly over ``[0, 1]`` (AUC's default): each prediction falls in one bucket,
  the weights are summed per bucket and the counts are the reversed cumulative sums
  (``O(n + T)`` instead of ``O(n * T)``);
* any other thresholds: every prediction is compared with every threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata import config
from strata.losses.loss import squeeze_or_expand_to_same_rank

#: Keras's stand-in for minus infinity (the threshold of ``top_k`` precision and recall).
NEG_INF = -1e10
KINDS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds: Any, default: float = 0.5) -> list[float]:
    """The thresholds as a list, each checked to lie in ``[0, 1]``."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, Iterable) else [thresholds]
    invalid = [t for t in values if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(
            f"Threshold values must be in [0, 1]. Received: thresholds={thresholds!r} "
            f"(invalid: {invalid})"
        )
    return [float(t) for t in values]


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """Whether the thresholds are ``0, 1/(T-1), ..., 1`` (within epsilon), for ``T >= 3``."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def _filter_top_k(y_pred, k):
    """Keep the ``k`` largest scores of each row; every other score becomes ``NEG_INF``."""
    _, indices = jax.lax.top_k(y_pred, k)
    keep = jnp.sum(jax.nn.one_hot(indices, y_pred.shape[-1], dtype=y_pred.dtype), axis=-2)
    return y_pred * keep + NEG_INF * (1 - keep)


def _bucket_counts(labels, weights, y_pred, num_thresholds, with_epsilon, multi_label, kinds):
    y_pred = jnp.clip(y_pred, 0.0, 1.0)
    true_weight = labels * weights
    false_weight = (1.0 - labels) * weights
    buckets = jnp.ceil(y_pred * jnp.asarray(num_thresholds - 1, y_pred.dtype)) - 1
    if with_epsilon:
        buckets = jnp.maximum(buckets, 0)
    buckets = buckets.astype(jnp.int32)

    def above(data, ids):
        per_bucket = jax.ops.segment_sum(data, ids, num_segments=num_thresholds)
        return jnp.flip(jnp.cumsum(jnp.flip(per_bucket)))

    if multi_label:  # one column per label: (n, L) -> counts (T, L)
        above = jax.vmap(above, in_axes=(1, 1), out_axes=1)
    counts = {"tp": above(true_weight, buckets), "fp": above(false_weight, buckets)}
    if "tn" in kinds:
        counts["tn"] = jnp.sum(false_weight, axis=0, keepdims=True) - counts["fp"]
    if "fn" in kinds:
        counts["fn"] = jnp.sum(true_weight, axis=0, keepdims=True) - counts["tp"]
    return counts


def _compared_counts(labels, weights, y_pred, thresholds, kinds):
    shape = (-1,) + (1,) * y_pred.ndim
    predicted = y_pred[None] > jnp.reshape(thresholds, shape)
    is_true = jnp.broadcast_to(labels[None] != 0, predicted.shape)
    weights = jnp.broadcast_to(weights[None], predicted.shape)
    cells = {
        "tp": is_true & predicted,
        "fp": ~is_true & predicted,
        "tn": ~is_true & ~predicted,
        "fn": is_true & ~predicted,
    }
    zero = jnp.zeros((), weights.dtype)
    return {kind: jnp.sum(jnp.where(cells[kind], weights, zero), axis=1) for kind in kinds}


def confusion_counts(
    y_true,
    y_pred,
    thresholds: Sequence[float],
    kinds: Sequence[str],
    evenly: bool = False,
    sample_weight=None,
    top_k: int | None = None,
    class_id: int | None = None,
    multi_label: bool = False,
    label_weights=None,
    dtype: str = "float32",
) -> dict[str, Any]:
    """The weighted counts of one batch, per threshold.

    Args:
        y_true: Labels (non-zero is positive).
        y_pred: Scores, compared with each threshold.
        thresholds: The thresholds (``evenly`` ones may extend epsilon beyond ``[0, 1]``).
        kinds: Which of ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"`` to return.
        evenly: Whether the thresholds are evenly spaced (use the bucket computation).
        sample_weight: Optional weights, per sample or per value.
        top_k: Only the ``k`` top scores of each row may count as positive.
        class_id: Only look at this column of ``(n, classes)`` labels and scores.
        multi_label: Keep one count per label column (shape ``(T, L)``) instead of flattening.
        label_weights: Optional per-column weights (not with ``multi_label``).
        dtype: Dtype of the counts.

    Returns:
        A dict from kind to an array of shape ``(T,)`` (or ``(T, L)`` with ``multi_label``).
    """
    y_true = jnp.asarray(y_true).astype(dtype)
    y_pred = jnp.asarray(y_pred).astype(dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = jnp.expand_dims(jnp.asarray(sample_weight).astype(dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When `class_id` is given, `y_pred` must have shape (num_samples, num_classes). "
                f"Received: y_pred.shape={y_pred.shape}"
            )
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if y_true.shape != y_pred.shape:
        y_true = jnp.broadcast_to(y_true, y_pred.shape)
    weights = jnp.ones(y_pred.shape, dtype)
    if sample_weight is not None:
        if sample_weight.ndim < y_pred.ndim:
            sample_weight = jnp.reshape(sample_weight, (1,) * (y_pred.ndim - sample_weight.ndim) + sample_weight.shape)
        weights = jnp.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None:
        label_weights = jnp.asarray(label_weights, dtype)
        label_weights = jnp.reshape(label_weights, (1,) * (y_pred.ndim - label_weights.ndim) + label_weights.shape)
        weights = weights * jnp.broadcast_to(label_weights, y_pred.shape)
    labels = (y_true != 0).astype(dtype)
    if not multi_label:
        labels, weights, y_pred = (jnp.reshape(a, (-1,)) for a in (labels, weights, y_pred))
    if evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        return _bucket_counts(labels, weights, y_pred, len(thresholds), with_epsilon, multi_label, kinds)
    return _compared_counts(labels, weights, y_pred, jnp.asarray(thresholds, dtype), kinds)
