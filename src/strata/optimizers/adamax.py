"""``Adamax``: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

import jax.numpy as jnp

from strata.optimizers.optimizer import Optimizer


def adamax_update(grad, param, momentum, norm, learning_rate, step, beta_1=0.9, beta_2=0.999,
                  epsilon=1e-7):
    """One Adamax step at 1-based ``step``; returns ``(param, momentum, norm)``.

    ``norm`` is the exponentially weighted infinity norm ``max(beta_2 * u, |g|)``.
    """
    dtype = param.dtype
    beta_1_power = jnp.power(jnp.asarray(beta_1, dtype), jnp.asarray(step).astype(dtype))
    momentum = momentum + (grad - momentum) * (1 - beta_1)
    norm = jnp.maximum(beta_2 * norm, jnp.abs(grad))
    param = param - (learning_rate * momentum) / ((1 - beta_1_power) * (norm + epsilon))
    return param, momentum, norm


class Adamax(Optimizer):
    """The Adamax optimizer (``keras.optimizers.Adamax``).

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the infinity norm.
        epsilon: added to the norm.
        **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
            name=name, **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _slot_groups(self):
        return [("momentum", "norm")]

    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        param, m, u = adamax_update(grad, param, slots["momentum"], slots["norm"], learning_rate,
                                    iterations + 1, self.beta_1, self.beta_2, self.epsilon)
        return param, {"momentum": m, "norm": u}

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
