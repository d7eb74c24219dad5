"""Accuracy metrics: exact match, binary, categorical, sparse categorical and top-k.

Each is a function returning one 0/1 value per sample (``binary_accuracy``, ...) and a
``MeanMetricWrapper`` class averaging it (``BinaryAccuracy``, ...), with Keras's names and rules.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata import config
from strata.losses.loss import match_rank, squeeze_or_expand_to_same_rank
from strata.metrics.reduction import MeanMetricWrapper
from strata.metrics.weighting import argmax


def _as_float(matches):
    return matches.astype(config.floatx())


def accuracy(y_true, y_pred):
    """1 where ``y_true == y_pred`` exactly, else 0.

    Example:
        >>> accuracy([1, 2, 3], [1, 2, 4]).tolist()
        [1.0, 1.0, 0.0]
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = match_rank(*squeeze_or_expand_to_same_rank(y_true, y_pred))
    return _as_float(jnp.equal(y_true, y_pred))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where ``y_pred > threshold`` agrees with the 0/1 label ``y_true``, else 0.

    The threshold applies to ``y_pred`` as given, even if it holds logits.

    Example:
        >>> binary_accuracy([[1], [0], [1]], [[0.6], [0.3], [0.5]]).tolist()
        [[1.0], [1.0], [0.0]]
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true)
    y_true, y_pred = match_rank(*squeeze_or_expand_to_same_rank(y_true, y_pred))
    predicted = (y_pred > jnp.asarray(threshold, y_pred.dtype)).astype(y_true.dtype)
    return _as_float(y_true == predicted)


def _reshape_matches(matches, shape):
    return jnp.reshape(matches, shape) if matches.shape != tuple(shape) else matches


def categorical_accuracy(y_true, y_pred):
    """1 where the arg-max of the one-hot ``y_true`` equals the arg-max of ``y_pred``, else 0.

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.1, 0.8], [0.5, 0.4, 0.1]]).tolist()
        [1.0, 0.0]
    """
    y_pred = jnp.asarray(y_pred)
    labels = argmax(jnp.asarray(y_true), axis=-1).astype(y_pred.dtype)
    shape = labels.shape
    squeezed = labels.ndim == y_pred.ndim
    if squeezed:
        labels = jnp.squeeze(labels, -1)
    predicted = argmax(y_pred, axis=-1).astype(labels.dtype)
    matches = _as_float(jnp.equal(*match_rank(labels, predicted)))
    return _reshape_matches(matches, shape) if squeezed else matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label ``y_true`` equals the arg-max of ``y_pred``, else 0.

    Labels may be ``(n,)`` or ``(n, 1)`` for ``(n, num_classes)`` predictions; the result is ``(n,)``.

    Example:
        >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.1, 0.8], [0.5, 0.4, 0.1]]).tolist()
        [1.0, 0.0]
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    shape = y_true.shape
    squeezed = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if squeezed:
        y_true = jnp.squeeze(y_true, -1)
    predicted = argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _as_float(jnp.equal(*match_rank(y_true, predicted)))
    if squeezed:
        matches = _reshape_matches(matches, shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def _in_top_k(labels, y_pred, k):
    """Whether the score at each label is among the ``k`` largest of its row (ties count as in)."""
    at_label = jnp.take_along_axis(y_pred, labels[:, None], axis=-1)
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    rank = 1 + jnp.sum(y_pred > at_label, axis=-1)
    return rank <= k


def _flatten_top_k(labels, y_pred):
    shape = labels.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    return jnp.reshape(labels, (-1,)), y_pred, shape


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the class of the one-hot ``y_true`` is among the ``k`` top-scored classes, else 0.

    Example:
        >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.3, 0.05, 0.65]], k=2).tolist()
        [1.0, 0.0]
    """
    y_pred = jnp.asarray(y_pred)
    labels = argmax(jnp.asarray(y_true, dtype=y_pred.dtype), axis=-1)
    labels, flat_pred, shape = _flatten_top_k(labels, y_pred)
    matches = _as_float(_in_top_k(labels.astype(jnp.int32), flat_pred, k))
    return _reshape_matches(matches, shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1 where the integer label ``y_true`` is among the ``k`` top-scored classes, else 0.

    With ``from_sorted_ids=True``, ``y_pred`` holds class ids sorted by score (best first) and
    only its first ``k`` columns are checked.
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype if from_sorted_ids else jnp.int32)
    labels, flat_pred, shape = _flatten_top_k(y_true, y_pred)
    if from_sorted_ids:
        found = jnp.any(labels[:, None] == flat_pred[:, :k], axis=1)
    else:
        found = _in_top_k(labels, flat_pred, k)
    return _reshape_matches(_as_float(found), shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly (``keras.metrics.Accuracy``)."""

    _direction = "up"

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the binary label (``keras.metrics.BinaryAccuracy``).

    Example:
        >>> m = BinaryAccuracy()
        >>> float(m([[1], [1], [0], [0]], [[0.98], [1.0], [0.0], [0.6]]))
        0.75
    """

    _direction = "up"

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of ``y_pred`` matches the one-hot label (``keras.metrics.CategoricalAccuracy``)."""

    _direction = "up"

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of ``y_pred`` equals the integer label (``keras.metrics.SparseCategoricalAccuracy``)."""

    _direction = "up"

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the ``k`` top predictions (``keras.metrics.TopKCategoricalAccuracy``)."""

    _direction = "up"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` top predictions
    (``keras.metrics.SparseTopKCategoricalAccuracy``)."""

    _direction = "up"

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config

