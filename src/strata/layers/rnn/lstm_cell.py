"""``LSTMCell``: the long short-term memory step, gates in Keras's order input, forget, cell, output.

``z = x @ kernel + h @ recurrent_kernel + bias`` is split into four blocks ``i, f, g, o``;
``c' = σ(f)·c + σ(i)·φ(g)`` and ``h' = σ(o)·φ(c')`` (σ the recurrent activation, φ the activation).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.layers.rnn.recurrent_cell import RecurrentCell, check_units


class LSTMCell(RecurrentCell):
    """The cell of ``LSTM`` (``keras.layers.LSTMCell``): one timestep, states ``[h, c]``.

    Args:
        units: size of the output and of each of the two states.
        activation: φ, for the candidate and the output (default ``"tanh"``).
        recurrent_activation: σ, for the gates (default ``"sigmoid"``).
        use_bias: whether to add a bias.
        unit_forget_bias: start the forget-gate bias at 1 (the rest from ``bias_initializer``).
        kernel_initializer, recurrent_initializer, bias_initializer: as in ``SimpleRNNCell``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of the input / previous output to drop when training.
        seed: seed of the dropout masks.

    Weights: ``kernel (features, 4u)``, ``recurrent_kernel (u, 4u)``, ``bias (4u,)``.

    Example:
        >>> cell = LSTMCell(2)
        >>> cell.build((None, 3))
        >>> [tuple(w.shape) for w in cell.weights]
        [(3, 8), (2, 8), (8,)]
    """

    _config_args = ("units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
                    "kernel_initializer", "recurrent_initializer", "bias_initializer",
                    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                    "recurrent_dropout", "seed")
    gates = 4

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.store_arguments(activation=activation, recurrent_activation=recurrent_activation,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = [self.units, self.units]

    def build(self, input_shape: Any) -> None:
        bias_initializer = self.bias_initializer
        if self.unit_forget_bias:
            base, u = self.bias_initializer, self.units

            def bias_initializer(shape: tuple, dtype: Any = None) -> Any:
                return np.concatenate([np.asarray(base((u,), dtype=dtype)), np.ones((u,), dtype),
                                       np.asarray(base((2 * u,), dtype=dtype))])
        self._add_kernels(input_shape[-1], (4 * self.units,), bias_initializer)

    def project_inputs(self, inputs: Any, input_mask: Any = None) -> Any:
        projected = self._masked_matmul(inputs, self.kernel.value, input_mask)
        if self.bias is not None:
            projected = projected + jnp.reshape(self.bias.value, (1,) * (projected.ndim - 1) + (-1,))
        return projected

    def step(self, projected: Any, states: list, recurrent_mask: Any = None) -> tuple[Any, list]:
        h, c = states[0], states[1]
        z = projected + self._masked_matmul(h, self.recurrent_kernel.value, recurrent_mask)
        i, f, g, o = jnp.split(z, 4, axis=-1)
        sigma = self.recurrent_activation
        c = sigma(f) * c + sigma(i) * self.activation(g)
        h = sigma(o) * self.activation(c)
        return h, [h, c]
