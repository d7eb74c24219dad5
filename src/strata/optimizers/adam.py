"""``Adam``: adaptive moment estimation, in the TensorFlow "epsilon hat" form Keras uses."""

from __future__ import annotations

import jax.numpy as jnp

from strata.optimizers.optimizer import Optimizer


def adam_update(grad, param, momentum, velocity, learning_rate, step, beta_1=0.9, beta_2=0.999,
                epsilon=1e-7, velocity_hat=None):
    """One Adam step; returns ``(param, momentum, velocity, velocity_hat)``.

    ``step`` is the 1-based step number ``t``.  The bias correction is folded into the rate
    (``alpha = lr * sqrt(1 - b2^t) / (1 - b1^t)``) and ``epsilon`` is added to ``sqrt(v)``
    uncorrected, which differs from the PyTorch form for large epsilon.  Pass ``velocity_hat``
    for AMSGrad (its running maximum replaces ``v``); otherwise the returned one is ``None``.
    """
    dtype = param.dtype
    t = jnp.asarray(step).astype(dtype)
    beta_1_power = jnp.power(jnp.asarray(beta_1, dtype), t)
    beta_2_power = jnp.power(jnp.asarray(beta_2, dtype), t)
    alpha = learning_rate * jnp.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    momentum = momentum + (grad - momentum) * (1 - beta_1)
    velocity = velocity + (jnp.square(grad) - velocity) * (1 - beta_2)
    denominator_v = velocity
    if velocity_hat is not None:
        velocity_hat = jnp.maximum(velocity_hat, velocity)
        denominator_v = velocity_hat
    param = param - (momentum * alpha) / (jnp.sqrt(denominator_v) + epsilon)
    return param, momentum, velocity, velocity_hat


class Adam(Optimizer):
    """The Adam optimizer (``keras.optimizers.Adam``).

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first-moment estimate.
        beta_2: decay rate of the second-moment estimate.
        epsilon: "epsilon hat", added to ``sqrt(v)``.
        amsgrad: use the AMSGrad variant (adds a ``velocity_hat`` slot).
        **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
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
        self.amsgrad = amsgrad

    def _slot_groups(self):
        return [("momentum", "velocity")] + ([("velocity_hat",)] if self.amsgrad else [])

    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        param, m, v, v_hat = adam_update(
            grad, param, slots["momentum"], slots["velocity"], learning_rate, iterations + 1,
            self.beta_1, self.beta_2, self.epsilon, slots.get("velocity_hat"),
        )
        new_slots = {"momentum": m, "velocity": v}
        if v_hat is not None:
            new_slots["velocity_hat"] = v_hat
        return param, new_slots

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
