"""Random inputs for the loss parity tests, one generator per kind of data (seeded, float32)."""

from __future__ import annotations

import numpy as np

N, C = 8, 4  # samples, classes/features


def _probabilities(rng, shape):
    """Uniform probabilities with exact 0 and 1 entries sprinkled in (the clipping edge)."""
    p = rng.uniform(0.0, 1.0, shape)
    flat = p.reshape(-1)
    flat[::7] = 0.0
    flat[3::11] = 1.0
    return p


def make(kind: str, seed: int = 0):
    """Return ``(y_true, y_pred)`` float32 arrays for a kind of loss input."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    if kind == "regression":
        return rng.normal(size=(N, C)).astype(f32), rng.normal(size=(N, C)).astype(f32)
    if kind == "positive":  # Poisson / MSLE / MAPE-style targets, with zeros
        y = rng.poisson(2.0, size=(N, C)).astype(f32)
        return y, rng.uniform(0.05, 4.0, size=(N, C)).astype(f32)
    if kind == "labels_n":  # (n,) targets against (n, 1) predictions
        return rng.normal(size=(N,)).astype(f32), rng.normal(size=(N, 1)).astype(f32)
    if kind == "labels_n1_pred_n":  # (n, 1) targets against (n,) predictions
        return rng.normal(size=(N, 1)).astype(f32), rng.normal(size=(N,)).astype(f32)
    if kind == "sequence":
        return rng.normal(size=(N, 5, 3)).astype(f32), rng.normal(size=(N, 5, 3)).astype(f32)
    if kind == "binary":
        return rng.integers(0, 2, (N, C)).astype(f32), _probabilities(rng, (N, C)).astype(f32)
    if kind == "binary_n":  # (n,) 0/1 labels against (n, 1) probabilities
        return rng.integers(0, 2, (N,)).astype(f32), _probabilities(rng, (N, 1)).astype(f32)
    if kind == "binary_logits":
        return rng.integers(0, 2, (N, C)).astype(f32), (3.0 * rng.normal(size=(N, C))).astype(f32)
    if kind == "soft_binary":  # targets strictly inside (0, 1)
        return rng.uniform(size=(N, C)).astype(f32), _probabilities(rng, (N, C)).astype(f32)
    if kind == "signed":  # hinge targets already in {-1, 1}
        return (2 * rng.integers(0, 2, (N, C)) - 1).astype(f32), rng.normal(size=(N, C)).astype(f32)
    if kind == "categorical":  # one-hot targets, unnormalised probability rows with 0s and 1s
        y = np.eye(C, dtype=f32)[rng.integers(0, C, N)]
        return y, (_probabilities(rng, (N, C)) * rng.uniform(0.5, 3.0, (N, 1))).astype(f32)
    if kind == "categorical_logits":
        y = np.eye(C, dtype=f32)[rng.integers(0, C, N)]
        return y, (3.0 * rng.normal(size=(N, C))).astype(f32)
    if kind == "distribution":  # KLD: probability rows (with zeros) on both sides
        y = _probabilities(rng, (N, C))
        p = rng.uniform(size=(N, C))
        return (y / y.sum(-1, keepdims=True)).astype(f32), (p / p.sum(-1, keepdims=True)).astype(f32)
    if kind in ("sparse", "sparse_n1", "sparse_logits", "sparse_ignore"):
        labels = rng.integers(0, C, N).astype(f32)
        if kind == "sparse_n1":
            labels = labels[:, None]
        if kind == "sparse_logits":
            return labels, (3.0 * rng.normal(size=(N, C))).astype(f32)
        return labels, (_probabilities(rng, (N, C)) * rng.uniform(0.5, 3.0, (N, 1))).astype(f32)
    if kind == "sparse_sequence":  # (n, t) labels with some ignored (-1) entries, (n, t, c) probs
        labels = rng.integers(0, C, (N, 6)).astype(f32)
        labels[rng.uniform(size=(N, 6)) < 0.3] = -1
        p = rng.uniform(0.01, 1.0, (N, 6, C))
        return labels, (p / p.sum(-1, keepdims=True)).astype(f32)
    if kind == "mask":  # segmentation masks
        return rng.integers(0, 2, (N, 5, 5)).astype(f32), rng.uniform(size=(N, 5, 5)).astype(f32)
    if kind == "ctc":
        labels = rng.integers(1, 6, (N, 5)).astype(f32)
        lengths = rng.integers(1, 6, N)
        labels[np.arange(5)[None, :] >= lengths[:, None]] = 0
        labels[0, :2] = [3, 3]  # a repeated label
        return labels, rng.normal(size=(N, 12, 6)).astype(f32)
    if kind == "embeddings":
        emb = rng.normal(size=(N, C))
        return rng.integers(0, 3, N).astype(f32), (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype(f32)
    if kind == "class_probs":  # integer labels with normalised probabilities (generalized CE)
        p = rng.uniform(0.01, 1.0, (N, C))
        return rng.integers(0, C, N).astype(f32), (p / p.sum(-1, keepdims=True)).astype(f32)
    raise KeyError(kind)


# (class name, kwargs for the class and its function form, data kind, function name)
CASES = [
    ("MeanSquaredError", {}, "regression", "mean_squared_error"),
    ("MeanSquaredError", {}, "labels_n", "mean_squared_error"),
    ("MeanSquaredError", {}, "labels_n1_pred_n", "mean_squared_error"),
    ("MeanSquaredError", {}, "sequence", "mean_squared_error"),
    ("MeanAbsoluteError", {}, "regression", "mean_absolute_error"),
    ("MeanAbsoluteError", {}, "labels_n", "mean_absolute_error"),
    ("MeanAbsolutePercentageError", {}, "regression", "mean_absolute_percentage_error"),
    ("MeanAbsolutePercentageError", {}, "positive", "mean_absolute_percentage_error"),
    ("MeanSquaredLogarithmicError", {}, "positive", "mean_squared_logarithmic_error"),
    ("MeanSquaredLogarithmicError", {}, "regression", "mean_squared_logarithmic_error"),
    ("Huber", {}, "regression", "huber"),
    ("Huber", {"delta": 0.3}, "regression", "huber"),
    ("LogCosh", {}, "regression", "log_cosh"),
    ("CosineSimilarity", {}, "regression", "cosine_similarity"),
    ("CosineSimilarity", {"axis": 0}, "regression", "cosine_similarity"),
    ("BinaryCrossentropy", {}, "binary", "binary_crossentropy"),
    ("BinaryCrossentropy", {}, "binary_n", "binary_crossentropy"),
    ("BinaryCrossentropy", {}, "soft_binary", "binary_crossentropy"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits", "binary_crossentropy"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary", "binary_crossentropy"),
    (
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
        "binary_logits",
        "binary_crossentropy",
    ),
    ("BinaryFocalCrossentropy", {}, "binary", "binary_focal_crossentropy"),
    (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "label_smoothing": 0.1},
        "binary",
        "binary_focal_crossentropy",
    ),
    ("BinaryFocalCrossentropy", {"from_logits": True}, "binary_logits", "binary_focal_crossentropy"),
    ("CategoricalCrossentropy", {}, "categorical", "categorical_crossentropy"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "categorical", "categorical_crossentropy"),
    ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits", "categorical_crossentropy"),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "categorical_logits",
        "categorical_crossentropy",
    ),
    ("CategoricalCrossentropy", {"axis": 0}, "categorical", "categorical_crossentropy"),
    ("CategoricalFocalCrossentropy", {}, "categorical", "categorical_focal_crossentropy"),
    (
        "CategoricalFocalCrossentropy",
        {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.1},
        "categorical_logits",
        "categorical_focal_crossentropy",
    ),
    ("SparseCategoricalCrossentropy", {}, "sparse", "sparse_categorical_crossentropy"),
    ("SparseCategoricalCrossentropy", {}, "sparse_n1", "sparse_categorical_crossentropy"),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        "sparse_logits",
        "sparse_categorical_crossentropy",
    ),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, "sparse", "sparse_categorical_crossentropy"),
    (
        "SparseCategoricalCrossentropy",
        {"ignore_class": -1},
        "sparse_sequence",
        "sparse_categorical_crossentropy",
    ),
    ("KLDivergence", {}, "distribution", "kl_divergence"),
    ("Poisson", {}, "positive", "poisson"),
    ("Hinge", {}, "binary", "hinge"),
    ("Hinge", {}, "signed", "hinge"),
    ("SquaredHinge", {}, "binary", "squared_hinge"),
    ("SquaredHinge", {}, "signed", "squared_hinge"),
    ("CategoricalHinge", {}, "categorical_logits", "categorical_hinge"),
    ("Dice", {}, "mask", "dice"),
    ("Dice", {"axis": (1, 2)}, "mask", "dice"),
    ("Tversky", {}, "mask", "tversky"),
    ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": (1, 2)}, "mask", "tversky"),
    ("CTC", {}, "ctc", "ctc"),
    ("Circle", {}, "embeddings", "circle"),
    ("Circle", {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False}, "embeddings", "circle"),
    (
        "CategoricalGeneralizedCrossEntropy",
        {"q": 0.7},
        "class_probs",
        "categorical_generalized_cross_entropy",
    ),
]


def case_id(case) -> str:
    cls, kwargs, kind, _ = case
    args = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{cls}({args})-{kind}"
