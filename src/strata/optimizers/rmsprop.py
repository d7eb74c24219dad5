"""``RMSprop``: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

import jax.numpy as jnp

from strata.optimizers.optimizer import Optimizer


def rmsprop_update(grad, param, velocity, learning_rate, rho=0.9, epsilon=1e-7,
                   momentum_buffer=None, momentum=0.0, average_gradient=None):
    """One RMSprop step; returns ``(param, velocity, momentum_buffer, average_gradient)``.

    ``velocity`` is the running mean of ``g**2``; ``epsilon`` sits inside the square root.  With
    ``average_gradient`` (centered) the running mean of ``g`` squared is subtracted first; with
    ``momentum_buffer`` the increments are accumulated with ``momentum``.  Slots not given come
    back as ``None``.
    """
    velocity = rho * velocity + (1 - rho) * jnp.square(grad)
    if average_gradient is not None:
        average_gradient = rho * average_gradient + (1 - rho) * grad
        denominator = velocity - jnp.square(average_gradient) + epsilon
    else:
        denominator = velocity + epsilon
    increment = (learning_rate * grad) / jnp.sqrt(denominator)
    if momentum_buffer is not None:
        momentum_buffer = momentum * momentum_buffer + increment
        return param - momentum_buffer, velocity, momentum_buffer, average_gradient
    return param - increment, velocity, None, average_gradient


class RMSprop(Optimizer):
    """The RMSprop optimizer (``keras.optimizers.RMSprop``), the default of ``compile()``.

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        rho: decay of the running mean of squared gradients.
        momentum: if > 0, accumulate the increments (adds a ``momentum`` slot).
        epsilon: added inside the square root.
        centered: normalise by the estimated variance instead (adds ``average_gradient``).
        **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _slot_groups(self):
        groups = [("velocity",)]
        if self.momentum > 0:
            groups.append(("momentum",))
        if self.centered:
            groups.append(("average_gradient",))
        return groups

    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        param, velocity, buffer, average = rmsprop_update(
            grad, param, slots["velocity"], learning_rate, self.rho, self.epsilon,
            slots.get("momentum"), self.momentum, slots.get("average_gradient"),
        )
        new_slots = {"velocity": velocity, "momentum": buffer, "average_gradient": average}
        return param, {k: v for k, v in new_slots.items() if v is not None}

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
