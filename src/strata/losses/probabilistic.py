"""Distribution losses: Kullback-Leibler divergence, Poisson and generalized crossentropy.

The binary, categorical and sparse crossentropies live in ``crossentropy.py``, their focal
variants in ``focal.py``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strata import config
from strata.losses.loss import LossFunctionWrapper, prepare_pair


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred))`` over the last axis, both clipped to ``[eps, 1]``.

    Example:
        >>> [round(v, 4) for v in kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).tolist()]
        [0.1438]
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = jnp.clip(y_true, eps, 1.0)
    y_pred = jnp.clip(y_pred, eps, 1.0)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Mean of ``y_pred - y_true * log(y_pred + eps)`` over the last axis."""
    y_true, y_pred = prepare_pair(y_true, y_pred)
    eps = jnp.asarray(config.epsilon(), y_pred.dtype)
    return jnp.mean(y_pred - y_true * jnp.log(y_pred + eps), axis=-1)


def _check_q(q):
    if not 0 < q < 1:
        raise ValueError(f"Argument `q` must be in the open interval (0, 1). Received: q={q!r}")


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized crossentropy ``(1 - p ** q) / q`` of the true class probability ``p``.

    It interpolates between crossentropy (``q -> 0``) and mean absolute error (``q = 1``) and is
    robust to noisy labels (Zhang & Sabuncu, 2018).

    Args:
        y_true: Integer labels, one per row of ``y_pred`` (``(n,)`` or ``(n, 1)``).
        y_pred: Class probabilities, ``(..., num_classes)``.
        q: Float in ``(0, 1)``.
    """
    _check_q(q)
    y_pred = jnp.asarray(y_pred)
    labels = jnp.asarray(y_true).astype(jnp.int32)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = jnp.squeeze(labels, -1)
    one_hot = jax.nn.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
    if one_hot.ndim != y_pred.ndim:
        raise ValueError(
            "Arguments `y_true` (integer labels) and `y_pred` (class probabilities) do not match. "
            f"Received: y_true.shape={labels.shape}, y_pred.shape={y_pred.shape}"
        )
    p_true = jnp.sum(y_pred * one_hot, axis=-1)
    return (1.0 - jnp.power(p_true, q)) / q


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence (``keras.losses.KLDivergence``).

    Args:
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"kl_divergence"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood up to a constant (``keras.losses.Poisson``)."""

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized crossentropy for noisy labels (``keras.losses.CategoricalGeneralizedCrossEntropy``).

    Args:
        q: Float in ``(0, 1)``; small values behave like crossentropy, values near 1 like MAE.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"categorical_generalized_cross_entropy"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("q",)

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        _check_q(q)
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q)
        self.q = q
