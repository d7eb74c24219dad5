"""``Adagrad``: per-coordinate rates that shrink with the sum of past squared gradients."""

from __future__ import annotations

import jax.numpy as jnp

from strata.optimizers.optimizer import Optimizer


def adagrad_update(grad, param, accumulator, learning_rate, epsilon=1e-7):
    """One Adagrad step; returns ``(param, accumulator)`` (``epsilon`` inside the square root)."""
    accumulator = accumulator + jnp.square(grad)
    return param - (learning_rate * grad) / jnp.sqrt(accumulator + epsilon), accumulator


class Adagrad(Optimizer):
    """The Adagrad optimizer (``keras.optimizers.Adagrad``).

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        initial_accumulator_value: starting value of the ``accumulator`` slots.
        epsilon: added inside the square root.
        **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
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
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_groups(self):
        return [("accumulator",)]

    def _slot_initial_value(self, slot):
        return self.initial_accumulator_value if slot == "accumulator" else 0.0

    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        param, accumulator = adagrad_update(grad, param, slots["accumulator"], learning_rate, self.epsilon)
        return param, {"accumulator": accumulator}

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
