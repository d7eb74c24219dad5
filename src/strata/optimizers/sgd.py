"""``SGD``: gradient descent, optionally with (Nesterov) momentum."""

from __future__ import annotations

import numbers

import jax.numpy as jnp

from strata.optimizers.optimizer import Optimizer


def sgd_update(grad, param, momentum_buffer, learning_rate, momentum=0.0, nesterov=False):
    """One SGD step; returns ``(param, momentum_buffer)`` (the buffer is ``None`` without momentum).

    Keras's sign convention: the buffer holds the (negative) velocity ``m = momentum*m - lr*g`` and
    is added to the weight; Nesterov adds ``momentum*m - lr*g`` instead.
    """
    if momentum_buffer is None:
        return param - grad * learning_rate, None
    momentum = jnp.asarray(momentum, param.dtype)
    momentum_buffer = momentum_buffer * momentum - grad * learning_rate
    if nesterov:
        return param + (momentum_buffer * momentum - grad * learning_rate), momentum_buffer
    return param + momentum_buffer, momentum_buffer


class SGD(Optimizer):
    """Stochastic gradient descent (``keras.optimizers.SGD``).

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.01.
        momentum: float in ``[0, 1]`` accelerating descent along consistent directions.
        nesterov: whether to use Nesterov momentum.
        **kwargs: the common optimizer arguments (see :class:`Optimizer`).

    Example:
        >>> from strata.core.variable import Variable
        >>> w = Variable([1.0, 2.0])
        >>> SGD(learning_rate=0.5).apply([jnp.array([1.0, 1.0])], [w])
        >>> w.numpy()
        array([0.5, 1.5], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
            name=name, **kwargs,
        )
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def _slot_groups(self):
        return [("momentum",)] if self.momentum != 0 else []

    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        param, buffer = sgd_update(grad, param, slots.get("momentum"), learning_rate,
                                   self.momentum, self.nesterov)
        return param, ({"momentum": buffer} if buffer is not None else {})

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
