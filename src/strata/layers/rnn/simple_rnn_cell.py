"""``SimpleRNNCell``: the plain recurrence ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.rnn.recurrent_cell import RecurrentCell, check_units


class SimpleRNNCell(RecurrentCell):
    """The cell of ``SimpleRNN`` (``keras.layers.SimpleRNNCell``): one timestep.

    Args:
        units: size of the output and of the single state.
        activation: activation of the new state (default ``"tanh"``).
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: ``"glorot_uniform"``,
            ``"orthogonal"``, ``"zeros"``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of the input / previous state to drop when training.
        seed: seed of the dropout masks.

    Weights: ``kernel (features, units)``, ``recurrent_kernel (units, units)``, ``bias (units,)``.

    Example:
        >>> import numpy as np
        >>> cell = SimpleRNNCell(4)
        >>> out, state = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")])
        >>> out.shape, len(state)
        ((2, 4), 1)
    """

    _config_args = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                    "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                    "recurrent_dropout", "seed")
    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.use_bias = bool(use_bias)
        self.store_arguments(activation=activation, kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = self.units

    def build(self, input_shape: Any) -> None:
        self._add_kernels(input_shape[-1], (self.units,), self.bias_initializer)

    def project_inputs(self, inputs: Any, input_mask: Any = None) -> Any:
        projected = self._masked_matmul(inputs, self.kernel.value, input_mask)
        if self.bias is not None:
            projected = projected + jnp.reshape(self.bias.value, (1,) * (projected.ndim - 1) + (-1,))
        return projected

    def step(self, projected: Any, states: list, recurrent_mask: Any = None) -> tuple[Any, list]:
        h = states[0]
        if recurrent_mask is not None:
            h = h * recurrent_mask
        output = self.activation(projected + jnp.matmul(h, self.recurrent_kernel.value))
        return output, [output]
