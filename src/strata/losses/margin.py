"""Maximum-margin (hinge) losses: hinge, squared hinge and categorical hinge.

Hinge and squared hinge expect targets in ``{-1, 1}``; when every target of a batch is 0 or 1 they
are mapped to -1 and 1 first (decided inside the computation, so it stays traceable).
"""

from __future__ import annotations

import jax.numpy as jnp

from strata.losses.loss import LossFunctionWrapper, prepare_pair


def _signed_labels(y_true):
    """Map ``{0, 1}`` targets to ``{-1, 1}`` when the whole batch is binary; keep others as given."""
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0)`` over the last axis.

    Example:
        >>> hinge([[0.0, 1.0]], [[-0.5, 2.0]]).tolist()
        [0.25]
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    margin = 1.0 - _signed_labels(y_true) * y_pred
    return jnp.mean(jnp.maximum(margin, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2`` over the last axis."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    margin = 1.0 - _signed_labels(y_true) * y_pred
    return jnp.mean(jnp.square(jnp.maximum(margin, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``max(max_wrong - true_score + 1, 0)`` for one-hot targets along the last axis."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    true_score = jnp.sum(y_true * y_pred, axis=-1)
    best_wrong = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(best_wrong - true_score + 1.0, jnp.zeros((), y_pred.dtype))


class Hinge(LossFunctionWrapper):
    """Hinge loss (``keras.losses.Hinge``).

    Args:
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"hinge"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss (``keras.losses.SquaredHinge``); arguments as :class:`Hinge`."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss (``keras.losses.CategoricalHinge``); arguments as :class:`Hinge`."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)
