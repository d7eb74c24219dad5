"""Focal crossentropies: crossentropy scaled down on well-classified examples (Lin et al., 2017).

The binary form multiplies each elementwise crossentropy by ``(1 - p_t) ** gamma``, where ``p_t``
is the probability given to the true outcome, and optionally by a class-balancing weight ``alpha``.
The categorical form weights each class term by ``alpha * (1 - p) ** gamma``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strata import config
from strata.losses.crossentropy import binary_crossentropy_values, check_class_axis, smooth_labels
from strata.losses.loss import LossFunctionWrapper, prepare_pair


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary focal crossentropy averaged over ``axis``.

    Args:
        y_true: Targets in ``[0, 1]``.
        y_pred: Probabilities, or logits when ``from_logits``.
        apply_class_balancing: Weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: Class-balancing weight of the positive class.
        gamma: Focusing exponent; ``0`` gives plain binary crossentropy.
        from_logits: Whether ``y_pred`` holds logits.
        label_smoothing: Targets become ``y * (1 - ls) + 0.5 * ls``.
        axis: Axis to average over.
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing, 2.0)
    if from_logits:
        y_pred = jax.nn.sigmoid(y_pred)
    bce = binary_crossentropy_values(y_true, y_pred)
    p_true = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    values = jnp.power(1.0 - p_true, gamma) * bce
    if apply_class_balancing:
        values = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * values
    return jnp.mean(values, axis=axis)


def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Categorical focal crossentropy summed over the class ``axis``.

    Args:
        y_true: One-hot (or soft) targets.
        y_pred: Probabilities (rows renormalised, then clipped), or logits when ``from_logits``.
        alpha: Weight of every class term.
        gamma: Focusing exponent.
        from_logits: Whether ``y_pred`` holds logits (a softmax is applied first).
        label_smoothing: Targets become ``y * (1 - ls) + ls / num_classes``.
        axis: The class axis.
    """
    y_true, y_pred = prepare_pair(y_true, y_pred)
    check_class_axis(y_pred, axis, "categorical_focal_crossentropy")
    y_true = smooth_labels(y_true, label_smoothing, float(y_true.shape[-1]))
    if from_logits:
        y_pred = jax.nn.softmax(y_pred, axis=axis)
    eps = config.epsilon()
    probs = jnp.clip(y_pred / jnp.sum(y_pred, axis=axis, keepdims=True), eps, 1.0 - eps)
    crossentropy = -y_true * jnp.log(probs)
    weight = jnp.power(1.0 - probs, gamma) * alpha
    return jnp.sum(weight * crossentropy, axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal crossentropy (``keras.losses.BinaryFocalCrossentropy``).

    Args:
        apply_class_balancing: Weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: Class-balancing weight of the positive class.
        gamma: Focusing exponent.
        from_logits: Whether predictions are logits.
        label_smoothing: Float in ``[0, 1]``.
        axis: Axis the per-sample mean runs over.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"binary_focal_crossentropy"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal crossentropy (``keras.losses.CategoricalFocalCrossentropy``).

    Args:
        alpha: Weight of every class term.
        gamma: Focusing exponent.
        from_logits: Whether predictions are logits.
        label_smoothing: Float in ``[0, 1]``.
        axis: The class axis.
        reduction: See :class:`~strata.losses.Loss`.
        name: Defaults to ``"categorical_focal_crossentropy"``.
        dtype: See :class:`~strata.losses.Loss`.
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
