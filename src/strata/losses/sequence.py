"""Connectionist temporal classification (CTC) loss for unsegmented sequence labelling.

Class 0 is the blank and also the padding value of the targets: a target row's length is its
number of non-zero entries, and those are taken from the start of the row (pad on the right).
Every frame of ``y_pred`` counts.  The forward recursion is optax's ``ctc_loss``, the same
algorithm Keras's JAX backend runs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strata.losses.loss import LossFunctionWrapper


def ctc(y_true, y_pred):
    """Per-sequence CTC negative log-likelihood.

    Args:
        y_true: Integer targets ``(batch, max_label_length)``, right-padded with 0.
        y_pred: Logits ``(batch, frames, num_classes)``; class 0 is the blank.

    Returns:
        A ``(batch,)`` array.
    """
    y_true = jnp.asarray(y_true)
    y_pred = jnp.asarray(y_pred)
    if y_true.ndim != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in "
            f"integer format. Received: y_true.shape={y_true.shape}"
        )
    if y_pred.ndim != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
            f"num_classes)`. Received: y_pred.shape={y_pred.shape}"
        )
    return _ctc_values(y_true.astype(jnp.int32), y_pred.astype(jnp.promote_types(y_pred.dtype, jnp.float32)))


@jax.jit
def _ctc_values(labels, logits):
    # Compiled once per shape: run eagerly, the scan inside would be traced again on every call.
    import optax  # imported here: only CTC needs it, and importing strata stays cheap

    label_lengths = jnp.sum(labels != 0, axis=-1)
    positions = jnp.arange(labels.shape[1], dtype=jnp.int32)[None, :]
    label_paddings = (positions >= label_lengths[:, None]).astype(logits.dtype)
    logit_paddings = jnp.zeros(logits.shape[:2], logits.dtype)
    return optax.ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id=0)


class CTC(LossFunctionWrapper):
    """CTC loss (``keras.losses.CTC``).

    Args:
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"ctc"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)
