"""``AdamW``: Adam with decoupled weight decay on by default."""

from __future__ import annotations

from strata.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (``keras.optimizers.AdamW``).

    The update rule is Adam's; before it, every variable not excluded with
    :meth:`exclude_from_weight_decay` shrinks by ``w * weight_decay * learning_rate``.

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        weight_decay: the decay factor (required). Defaults to 0.004.
        beta_1, beta_2, epsilon, amsgrad: as :class:`Adam`.
        **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(
            learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
            amsgrad=amsgrad, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
            global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency, loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs,
        )
