"""``GRUCell``: the gated recurrent unit, gates in Keras's order update (z), reset (r), candidate (h).

With ``reset_after=True`` (Keras's default, the cuDNN form) the reset gate multiplies the already
projected state, ``hh = φ(x_h + r·(h @ R_h + b_rec_h))``, and the bias has two rows (input,
recurrent).  With ``reset_after=False`` it multiplies the state first, ``hh = φ(x_h + (r·h) @ R_h)``,
with a single bias added to the input part.  Then ``h' = z·h + (1 - z)·hh``.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.rnn.recurrent_cell import RecurrentCell, check_units


class GRUCell(RecurrentCell):
    """The cell of ``GRU`` (``keras.layers.GRUCell``): one timestep, one state ``h``.

    Args:
        units: size of the output and of the state.
        activation, recurrent_activation: φ (``"tanh"``) and σ (``"sigmoid"``).
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: as in ``SimpleRNNCell``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of the input / previous state to drop when training.
        reset_after: apply the reset gate after the recurrent projection (bias of shape
            ``(2, 3u)``) instead of before it (bias ``(3u,)``).
        seed: seed of the dropout masks.

    Example:
        >>> cell = GRUCell(2)
        >>> cell.build((None, 5))
        >>> [tuple(w.shape) for w in cell.weights]
        [(5, 6), (2, 6), (2, 6)]
    """

    _config_args = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                    "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                    "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
                    "reset_after", "seed")
    gates = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, reset_after: bool = True, seed: int | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.use_bias = bool(use_bias)
        self.reset_after = bool(reset_after)
        self.store_arguments(activation=activation, recurrent_activation=recurrent_activation,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = self.units

    def build(self, input_shape: Any) -> None:
        width = 3 * self.units
        self._add_kernels(input_shape[-1], (2, width) if self.reset_after else (width,), self.bias_initializer)

    def project_inputs(self, inputs: Any, input_mask: Any = None) -> Any:
        projected = self._masked_matmul(inputs, self.kernel.value, input_mask)
        if self.bias is not None:
            bias = self.bias.value[0] if self.reset_after else self.bias.value
            projected = projected + jnp.reshape(bias, (1,) * (projected.ndim - 1) + (-1,))
        return projected

    def step(self, projected: Any, states: list, recurrent_mask: Any = None) -> tuple[Any, list]:
        h = states[0]
        u = self.units
        kernel = self.recurrent_kernel.value
        x_z, x_r, x_h = jnp.split(projected, 3, axis=-1)
        if recurrent_mask is None:
            h_z = h_r = h_h = h
        elif recurrent_mask.ndim == 3:
            h_z, h_r, h_h = h * recurrent_mask[0], h * recurrent_mask[1], h * recurrent_mask[2]
        else:
            h_z = h_r = h_h = h * recurrent_mask
        if self.reset_after:
            if h_z is h_r and h_r is h_h:
                inner = jnp.matmul(h_z, kernel)
            else:
                inner = jnp.concatenate([jnp.matmul(h_z, kernel[:, :u]), jnp.matmul(h_r, kernel[:, u:2 * u]),
                                         jnp.matmul(h_h, kernel[:, 2 * u:])], axis=-1)
            if self.bias is not None:
                inner = inner + jnp.reshape(self.bias.value[1], (1, -1))
            r_z, r_r, r_h = jnp.split(inner, 3, axis=-1)
        else:
            if h_z is h_r:
                r_z, r_r = jnp.split(jnp.matmul(h_z, kernel[:, :2 * u]), 2, axis=-1)
            else:
                r_z, r_r = jnp.matmul(h_z, kernel[:, :u]), jnp.matmul(h_r, kernel[:, u:2 * u])
        z = self.recurrent_activation(x_z + r_z)
        r = self.recurrent_activation(x_r + r_r)
        if self.reset_after:
            candidate = self.activation(x_h + r * r_h)
        else:
            candidate = self.activation(x_h + jnp.matmul(r * h_h, kernel[:, 2 * u:]))
        h = z * h + (1 - z) * candidate
        return h, [h]
