"""Overlap losses for segmentation masks: Dice and Tversky.

With the default ``axis=None`` the overlap is measured over the whole batch and the loss is one
number; give ``axis`` (e.g. ``(1, 2)`` for ``(n, h, w)`` masks) for one value per sample.
"""

from __future__ import annotations

import jax.numpy as jnp

from strata import config
from strata.losses.loss import LossFunctionWrapper, prepare_pair


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def dice(y_true, y_pred, axis=None):
    """``1 - 2 * |y_true * y_pred| / (|y_true| + |y_pred| + eps)``, sums taken over ``axis``.

    Example:
        >>> round(float(dice([[1.0, 0.0]], [[1.0, 1.0]])), 4)
        0.3333
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    axis = _axis(axis)
    overlap = jnp.sum(y_true * y_pred, axis=axis)
    total = jnp.sum(y_true, axis=axis) + jnp.sum(y_pred, axis=axis) + config.epsilon()
    return 1.0 - 2.0 * overlap / total


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - I / (I + alpha * A + beta * B + eps)`` with sums over ``axis``.

    ``I = sum(y_true * y_pred)``, ``A = sum(y_true * (1 - y_pred))`` (missed target mass) and
    ``B = sum((1 - y_true) * y_pred)`` (predicted mass outside the target), as in Keras.

    Args:
        y_true: Target mask.
        y_pred: Predicted mask (probabilities).
        alpha: Weight of ``A``.
        beta: Weight of ``B``; ``alpha = beta = 0.5`` gives the Dice loss.
        axis: Axes to sum over (``None``: all).
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    axis = _axis(axis)
    overlap = jnp.sum(y_true * y_pred, axis=axis)
    missed = jnp.sum((1.0 - y_pred) * y_true, axis=axis)
    extra = jnp.sum(y_pred * (1.0 - y_true), axis=axis)
    score = overlap / (overlap + missed * alpha + extra * beta + config.epsilon())
    return 1.0 - score


class Dice(LossFunctionWrapper):
    """Dice loss (``keras.losses.Dice``).

    Args:
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"dice"``.
        axis: Axes the overlap is summed over (``None``: all, giving one value per batch).
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """Tversky loss (``keras.losses.Tversky``).

    Args:
        alpha: Weight of the missed target mass ``sum(y_true * (1 - y_pred))``.
        beta: Weight of the predicted mass outside the target ``sum((1 - y_true) * y_pred)``.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"tversky"``.
        axis: Axes the counts are summed over (``None``: all).
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis
