"""Circle loss for metric learning on L2-normalised embeddings (Sun et al., 2020).

Pairs with the same label are pulled together and pairs with different labels pushed apart, each
pair weighted by how far it is from its optimum.  Only positive loss values count towards the
mean of the ``Circle`` class (the others are masked out), as in Keras.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strata.losses.loss import LossFunctionWrapper


def _pair_masks(query_labels, key_labels, remove_diagonal):
    query = jnp.reshape(query_labels, (-1, 1))
    key = jnp.reshape(key_labels, (1, -1))
    same = query == key
    different = jnp.logical_not(same)
    if remove_diagonal:
        same = jnp.logical_and(same, jnp.logical_not(jnp.eye(query.shape[0], key.shape[1], dtype=bool)))
    return same, different


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss of each embedding against the reference set.

    Args:
        y_true: Integer labels ``(n,)``.
        y_pred: L2-normalised embeddings ``(n, d)``.
        ref_labels: Labels of the reference embeddings; defaults to ``y_true``.
        ref_embeddings: Reference embeddings ``(m, d)``; defaults to ``y_pred``.
        remove_diagonal: Ignore each embedding's pair with itself (for self-reference).
        gamma: Scale factor.
        margin: Relaxation margin.

    Returns:
        A ``(n,)`` array.
    """
    y_pred = jnp.asarray(y_pred)
    labels = jnp.asarray(y_true).astype(jnp.int32)
    ref_embeddings = y_pred if ref_embeddings is None else jnp.asarray(ref_embeddings)
    ref_labels = labels if ref_labels is None else jnp.asarray(ref_labels).astype(jnp.int32)

    distances = jnp.maximum(1.0 - y_pred @ ref_embeddings.T, 0.0)
    same, different = _pair_masks(labels, ref_labels, remove_diagonal)
    pos_weights = jnp.maximum((margin + distances) * same.astype(distances.dtype), 0.0)
    neg_weights = jnp.maximum((1.0 + margin - distances) * different.astype(distances.dtype), 0.0)
    pos_logits = -gamma * pos_weights * (margin - distances)
    neg_logits = gamma * neg_weights * ((1.0 - margin) - distances)
    minus_inf = jnp.asarray(-jnp.inf, distances.dtype)
    pos_term = jax.scipy.special.logsumexp(jnp.where(same, pos_logits, minus_inf), axis=1)
    neg_term = jax.scipy.special.logsumexp(jnp.where(different, neg_logits, minus_inf), axis=1)
    return jax.nn.softplus(pos_term + neg_term)


class Circle(LossFunctionWrapper):
    """Circle loss (``keras.losses.Circle``).

    Args:
        gamma: Scale factor.
        margin: Relaxation margin.
        remove_diagonal: Ignore each embedding's pair with itself.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"circle"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def _values_mask(self, y_true, y_pred, values):
        return values > 0
