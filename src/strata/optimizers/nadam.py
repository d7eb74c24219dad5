"""``Nadam``: Adam with Nesterov momentum and Dozat's momentum schedule."""

from __future__ import annotations

import jax.numpy as jnp

from strata.optimizers.optimizer import Optimizer


def nadam_momentum_schedule(beta_1, step, dtype):
    """Dozat's ``mu_t = beta_1 * (1 - 0.5 * 0.96 ** t)`` at 1-based ``step``, in ``dtype``."""
    t = jnp.asarray(step).astype(dtype)
    return jnp.asarray(beta_1, dtype) * (1.0 - 0.5 * jnp.power(jnp.asarray(0.96, dtype), t))


def nadam_u_product_update(u_product, beta_1, step):
    """The once-per-step product of the schedule: ``u_product * beta_1 * (1 - 0.5 * 0.96 ** t)``."""
    t = jnp.asarray(step).astype(u_product.dtype)
    return u_product * beta_1 * (1.0 - 0.5 * jnp.power(0.96, t))


def nadam_update(grad, param, momentum, velocity, learning_rate, step, u_product, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-7):
    """One Nadam step at 1-based ``step``; returns ``(param, momentum, velocity)``.

    ``u_product`` is the product of the momentum schedule up to and including this step (already
    updated with :func:`nadam_u_product_update`).
    """
    dtype = param.dtype
    u_t = nadam_momentum_schedule(beta_1, step, dtype)
    u_next = nadam_momentum_schedule(beta_1, jnp.asarray(step) + 1, dtype)
    u_product = jnp.asarray(u_product).astype(dtype)
    u_product_next = u_product * u_next
    beta_1 = jnp.asarray(beta_1, dtype)
    beta_2 = jnp.asarray(beta_2, dtype)
    beta_2_power = jnp.power(beta_2, jnp.asarray(step).astype(dtype))
    momentum = momentum + (grad - momentum) * (1 - beta_1)
    velocity = velocity + (jnp.square(grad) - velocity) * (1 - beta_2)
    m_hat = (u_next * momentum) / (1 - u_product_next) + ((1 - u_t) * grad) / (1 - u_product)
    v_hat = velocity / (1 - beta_2_power)
    param = param - (m_hat * learning_rate) / (jnp.sqrt(v_hat) + epsilon)
    return param, momentum, velocity


class Nadam(Optimizer):
    """The Nadam optimizer (``keras.optimizers.Nadam``).

    Besides its ``momentum`` and ``velocity`` slots it keeps one scalar, ``u_product`` (the running
    product of the momentum schedule, starting at 1), last in :attr:`variables` as in Keras.

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the second moment.
        epsilon: added to ``sqrt(v_hat)``.
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
        return [("momentum", "velocity")]

    def _scalar_slots(self):
        return [("u_product", 1.0)]

    def _prepare_scalars(self, scalars, iterations):
        return {"u_product": nadam_u_product_update(scalars["u_product"], self.beta_1, iterations + 1)}

    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        param, m, v = nadam_update(grad, param, slots["momentum"], slots["velocity"], learning_rate,
                                   iterations + 1, scalars["u_product"], self.beta_1, self.beta_2,
                                   self.epsilon)
        return param, {"momentum": m, "velocity": v}

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
