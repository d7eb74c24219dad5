"""Metric cases shared by the metric tests: (class name, constructor kwargs, kind of data).

``batches(kind)`` gives three seeded float32 batches ``(y_true, y_pred, sample_weight)``: the first
and last unweighted, the middle one weighted with weights in [0, 3] that include zeros.
"""

from __future__ import annotations

import numpy as np

N, C = 12, 4  # samples per batch, classes/features

CASES = [
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary_n"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_n1"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_n1"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanSquaredError", {}, "regression_n"),
    ("MeanAbsoluteError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression_n"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "binary"),
    ("CategoricalHinge", {}, "categorical"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.7]}, "binary"),
    ("TrueNegatives", {}, "binary_n"),
    ("FalseNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "binary_n"),
    ("Precision", {"top_k": 2}, "binary"),
    ("Recall", {}, "binary"),
    ("Recall", {"class_id": 1, "thresholds": 0.4}, "binary"),
    ("AUC", {}, "binary"),
    ("AUC", {}, "binary_n"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "majoring", "num_thresholds": 50}, "binary"),
    ("AUC", {"curve": "PRGAIN", "summation_method": "minoring"}, "binary"),
    ("AUC", {"thresholds": [0.1, 0.35, 0.5, 0.9]}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": C}, "binary"),
    ("AUC", {"multi_label": True, "label_weights": [0.5, 1.0, 2.0, 0.0]}, "binary"),
    ("AUC", {"from_logits": True, "label_weights": [1.0, 2.0, 0.5, 1.0]}, "binary_logits"),
]


def case_id(case) -> str:
    name, kwargs, kind = case
    extra = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}({extra})-{kind}"


def _probabilities(rng, shape):
    """Uniform scores with exact 0, 1 and threshold-grid values sprinkled in (the edge cases)."""
    p = rng.uniform(0.0, 1.0, shape)
    flat = p.reshape(-1)
    flat[::7] = 0.0
    flat[3::11] = 1.0
    flat[5::13] = 0.5
    return p


def make(kind: str, rng: np.random.Generator, n: int = N):
    """One ``(y_true, y_pred)`` pair of a kind of metric input."""
    f32 = np.float32
    if kind == "exact":
        return rng.integers(0, 3, (n, 1)).astype(f32), rng.integers(0, 3, (n, 1)).astype(f32)
    if kind == "binary":
        return rng.integers(0, 2, (n, C)).astype(f32), _probabilities(rng, (n, C)).astype(f32)
    if kind == "binary_n":  # (n,) labels against (n, 1) scores
        return rng.integers(0, 2, (n,)).astype(f32), _probabilities(rng, (n, 1)).astype(f32)
    if kind == "binary_logits":
        return rng.integers(0, 2, (n, C)).astype(f32), (3.0 * rng.normal(size=(n, C))).astype(f32)
    if kind in ("categorical", "categorical_logits"):
        y = np.eye(C, dtype=f32)[rng.integers(0, C, n)]
        if kind == "categorical_logits":
            return y, (3.0 * rng.normal(size=(n, C))).astype(f32)
        return y, (_probabilities(rng, (n, C)) * rng.uniform(0.5, 3.0, (n, 1))).astype(f32)
    if kind in ("sparse", "sparse_n1", "sparse_logits"):
        labels = rng.integers(0, C, n).astype(f32)
        if kind == "sparse_n1":
            labels = labels[:, None]
        if kind == "sparse_logits":
            return labels, (3.0 * rng.normal(size=(n, C))).astype(f32)
        p = rng.uniform(0.01, 1.0, (n, C))
        return labels, (p / p.sum(-1, keepdims=True)).astype(f32)
    if kind == "regression":
        return rng.normal(size=(n, C)).astype(f32), rng.normal(size=(n, C)).astype(f32)
    if kind == "regression_n":  # (n,) targets against (n, 1) predictions
        return rng.normal(size=(n,)).astype(f32), rng.normal(size=(n, 1)).astype(f32)
    if kind == "positive":
        return rng.poisson(2.0, size=(n, C)).astype(f32), rng.uniform(0.05, 4.0, size=(n, C)).astype(f32)
    if kind == "distribution":
        y, p = rng.uniform(size=(n, C)), rng.uniform(size=(n, C))
        return (y / y.sum(-1, keepdims=True)).astype(f32), (p / p.sum(-1, keepdims=True)).astype(f32)
    raise KeyError(kind)


def weights(rng: np.random.Generator, n: int = N) -> np.ndarray:
    """Per-sample weights in [0, 3] with a few exact zeros."""
    w = rng.uniform(0.0, 3.0, n)
    w[::4] = 0.0
    return w.astype(np.float32)


def batches(kind: str, seed: int = 0):
    """Three batches ``(y_true, y_pred, sample_weight)``: unweighted, weighted, unweighted."""
    rng = np.random.default_rng(seed)
    first, second, third = make(kind, rng), make(kind, rng), make(kind, rng)
    return [(*first, None), (*second, weights(rng)), (*third, None)]
