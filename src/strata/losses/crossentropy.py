"""Crossentropy losses: binary, categorical (one-hot targets) and sparse categorical (integer targets).

Probabilities are never trusted as given: binary outputs are clipped to ``[eps, 1 - eps]``, and
categorical rows are first divided by their sum, then clipped.  With ``from_logits=True`` the
log-probabilities come from ``log_sigmoid`` / ``log_softmax`` instead.  There is no shortcut that
recognises a softmax output and recovers its logits (Keras's JAX backend has none either).
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from strata import config
from strata.losses.loss import LossFunctionWrapper, prepare_pair


def binary_crossentropy_values(y_true, y_pred, from_logits=False):
    """Elementwise binary crossentropy (no reduction) of same-shaped arrays."""
    if from_logits:
        return -y_true * jax.nn.log_sigmoid(y_pred) - (1.0 - y_true) * jax.nn.log_sigmoid(-y_pred)
    eps = config.epsilon()
    y_pred = jnp.clip(y_pred, eps, 1.0 - eps)
    return -(y_true * jnp.log(y_pred) + (1.0 - y_true) * jnp.log(1.0 - y_pred))


def class_log_probabilities(y_pred, from_logits, axis):
    """Log-probabilities along ``axis``: ``log_softmax`` of logits, or of renormalised, clipped rows."""
    if from_logits:
        return jax.nn.log_softmax(y_pred, axis=axis)
    eps = config.epsilon()
    y_pred = y_pred / jnp.sum(y_pred, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(y_pred, eps, 1.0 - eps))


def check_class_axis(y_pred, axis, loss_name):
    """Validate ``axis`` and warn when the class axis has a single entry."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis!r} of type {type(axis)}")
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {loss_name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            UserWarning,
            stacklevel=3,
        )


def smooth_labels(y_true, label_smoothing, num_classes):
    """Move ``label_smoothing`` of the target mass to the uniform distribution over ``num_classes``."""
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy averaged over ``axis``.

    Args:
        y_true: Targets in ``[0, 1]``.
        y_pred: Probabilities, or logits when ``from_logits``.
        from_logits: Whether ``y_pred`` holds logits.
        label_smoothing: Targets become ``y * (1 - ls) + 0.5 * ls``.
        axis: Axis to average over.

    Example:
        >>> [round(v, 4) for v in binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]]).tolist()]
        [0.5108]
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing, 2.0)
    return jnp.mean(binary_crossentropy_values(y_true, y_pred, from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot (or soft) targets and class probabilities along ``axis``.

    Args:
        y_true: Targets, one row of class weights per sample.
        y_pred: Probabilities (rows are renormalised, then clipped), or logits when ``from_logits``.
        from_logits: Whether ``y_pred`` holds logits.
        label_smoothing: Targets become ``y * (1 - ls) + ls / num_classes``.
        axis: The class axis.
    """
    shapes = (np.shape(y_true), np.shape(y_pred))
    y_true, y_pred = prepare_pair(y_true, y_pred)
    check_class_axis(y_pred, axis, "categorical_crossentropy")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "Arguments `y_true` and `y_pred` must have the same shape (one-hot targets). "
            f"Received: y_true.shape={shapes[0]}, y_pred.shape={shapes[1]}. For integer labels use "
            "sparse_categorical_crossentropy."
        )
    y_true = smooth_labels(y_true, label_smoothing, float(y_true.shape[-1]))
    return -jnp.sum(y_true * class_log_probabilities(y_pred, from_logits, axis), axis=axis)


def sparse_labels(y_true, y_pred, axis=-1):
    """Integer labels with the shape of ``y_pred`` minus its class axis (``(n, 1)`` -> ``(n,)``)."""
    y_true = jnp.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis)
    expected = tuple(d for i, d in enumerate(y_pred.shape) if i != axis % max(y_pred.ndim, 1))
    if y_true.shape != expected:
        raise ValueError(
            "Arguments `y_true` and `y_pred` must have the same shape except for the class axis. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}. Integer labels "
            "have shape (batch,) or (batch, 1); for one-hot labels use categorical_crossentropy."
        )
    return y_true


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Categorical crossentropy with integer class labels.

    Args:
        y_true: Integer labels, ``(n,)`` or ``(n, 1)`` for ``(n, num_classes)`` predictions.
            A label outside ``[0, num_classes)`` contributes zero.
        y_pred: Probabilities (rows renormalised, then clipped), or logits when ``from_logits``.
        from_logits: Whether ``y_pred`` holds logits.
        ignore_class: A label value whose entries get a zero loss (and, in the ``Loss`` class,
            are left out of the mean).
        axis: The class axis.
    """
    y_pred = jnp.asarray(y_pred)
    if y_pred.ndim < 1:
        raise ValueError(f"Argument `y_pred` must be at least rank 1. Received: y_pred.shape={y_pred.shape}")
    labels = sparse_labels(y_true, y_pred, axis)
    if ignore_class is not None:
        valid = labels != jnp.asarray(ignore_class, labels.dtype)
        labels = jnp.where(valid, labels, jnp.zeros_like(labels))
    one_hot = jax.nn.one_hot(labels.astype(jnp.int32), y_pred.shape[axis], dtype=y_pred.dtype, axis=axis)
    values = -jnp.sum(one_hot * class_log_probabilities(y_pred, from_logits, axis), axis=axis)
    if ignore_class is not None:
        values = jnp.where(valid, values, jnp.zeros_like(values))
    return values


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary crossentropy (``keras.losses.BinaryCrossentropy``).

    Args:
        from_logits: Whether predictions are logits rather than probabilities.
        label_smoothing: Float in ``[0, 1]``; targets become ``y * (1 - ls) + 0.5 * ls``.
        axis: Axis the per-sample mean runs over.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"binary_crossentropy"``.
        dtype: See :class:`~strata.losses.Loss`.

    Example:
        >>> round(float(BinaryCrossentropy()([[0.0, 1.0]], [[0.4, 0.6]])), 4)
        0.5108
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical crossentropy on one-hot targets (``keras.losses.CategoricalCrossentropy``).

    Args:
        from_logits: Whether predictions are logits rather than probabilities.
        label_smoothing: Float in ``[0, 1]``; targets become ``y * (1 - ls) + ls / num_classes``.
        axis: The class axis.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"categorical_crossentropy"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Categorical crossentropy on integer labels (``keras.losses.SparseCategoricalCrossentropy``).

    Args:
        from_logits: Whether predictions are logits rather than probabilities.
        ignore_class: Optional label value to ignore: those entries get zero loss and are left out
            of the ``"sum_over_batch_size"`` mean (useful for padded segmentation maps).
        reduction: See :class:`~strata.losses.Loss`.
        axis: The class axis. Like Keras 3.15, ``get_config`` does not record it.
        name: Defaults to ``"sparse_categorical_crossentropy"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("from_logits", "ignore_class")

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def _values_mask(self, y_true, y_pred, values):
        if self.ignore_class is None:
            return None
        labels = sparse_labels(y_true, y_pred, self._fn_kwargs["axis"])
        return labels != jnp.asarray(self.ignore_class, labels.dtype)
