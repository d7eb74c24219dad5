"""``ConvLSTMCell``: the LSTM step with convolutions in place of matrix products.

``z = conv(x, kernel) + bias + conv_same(h, recurrent_kernel)`` (the recurrent convolution has
stride 1 and ``"same"`` padding, so the state keeps the output's spatial size); gates i, f, c, o
along the channel axis, then the LSTM update.  Dropout always draws one mask per gate (Keras).
As for the dense cells, the input convolution of all timesteps runs before the time loop.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.layers import conv_utils
from strata.layers.convolutional.conv_kernels import convolve
from strata.layers.rnn.recurrent_cell import RecurrentCell


class ConvLSTMCell(RecurrentCell):
    """One ConvLSTM timestep over ``rank`` spatial axes (Keras's ``ConvLSTMCell``; not exported).

    Args:
        rank: number of spatial axes (1, 2 or 3).
        filters: output channels (the state has as many).
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution.
        The other arguments are :class:`LSTMCell`'s.
    """

    _config_args = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                    "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                    "bias_constraint", "dropout", "recurrent_dropout", "seed")
    gates = 4

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rank = int(rank)
        self.filters = self.units = int(filters)
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, self.rank, "strides", allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide "
                f"`strides=1` or `dilation_rate=1`. Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}"
            )
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.store_arguments(activation=activation, recurrent_activation=recurrent_activation,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = [-1, -1]  # two states whose shape follows the input (see state_shape)
        self._channel_axis = -1 if self.data_format == "channels_last" else 1

    @property
    def mask_count(self) -> int:
        return 4

    def state_shape(self, step_shape: tuple) -> tuple:
        if self.data_format == "channels_last":
            spatial = step_shape[1:-1]
        else:
            spatial = step_shape[2:]
        sizes = tuple(conv_utils.output_length(n, k, self.padding, s, d) for n, k, s, d in
                      zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if self.data_format == "channels_last":
            return (step_shape[0],) + sizes + (self.filters,)
        return (step_shape[0], self.filters) + sizes

    def build(self, input_shape: Any) -> None:
        self._input_shape = tuple(input_shape)
        channels = input_shape[self._channel_axis]
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, 4 * self.filters), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, 4 * self.filters),
                                                name="recurrent_kernel", initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            initializer, f = self.bias_initializer, self.filters
            if self.unit_forget_bias:
                base = self.bias_initializer

                def initializer(shape: tuple, dtype: Any = None) -> Any:
                    return np.concatenate([np.asarray(base((f,), dtype=dtype)), np.ones((f,), dtype),
                                           np.asarray(base((2 * f,), dtype=dtype))])
            self.bias = self.add_weight(shape=(4 * f,), name="bias", initializer=initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def get_initial_state(self, batch_size: int | None = None) -> list:
        shape = self.state_shape((batch_size,) + self._input_shape[1:])
        return [jnp.zeros(shape, self.compute_dtype), jnp.zeros(shape, self.compute_dtype)]

    def _conv(self, x: Any, kernel: Any, recurrent: bool) -> Any:
        ones = (1,) * self.rank
        return convolve(x, kernel, strides=ones if recurrent else self.strides,
                        padding="same" if recurrent else self.padding,
                        dilation=ones if recurrent else self.dilation_rate, data_format=self.data_format)

    def _gated_conv(self, x: Any, kernel: Any, mask: Any, recurrent: bool) -> Any:
        if mask is None:
            return self._conv(x, kernel, recurrent)
        blocks = jnp.split(kernel, 4, axis=-1)
        return jnp.concatenate([self._conv(x * mask[g], blocks[g], recurrent) for g in range(4)],
                               axis=self._channel_axis)

    def project_inputs(self, inputs: Any, input_mask: Any = None) -> Any:
        step_rank = self.rank + 2
        lead = inputs.shape[:inputs.ndim - step_rank + 1]  # (batch,) or (batch, time)
        folded = jnp.reshape(inputs, (-1,) + tuple(inputs.shape[len(lead):]))
        if input_mask is not None and len(lead) == 2:  # one mask per batch row, reused at every step
            input_mask = jnp.reshape(jnp.broadcast_to(jnp.expand_dims(input_mask, 2),
                                                      input_mask.shape[:2] + (lead[1],) + input_mask.shape[2:]),
                                     (4, -1) + tuple(input_mask.shape[2:]))
        projected = self._gated_conv(folded, self.kernel.value, input_mask, recurrent=False)
        if self.bias is not None:
            shape = [1] * projected.ndim
            shape[self._channel_axis] = -1
            projected = projected + jnp.reshape(self.bias.value, shape)
        return jnp.reshape(projected, tuple(lead) + tuple(projected.shape[1:]))

    def step(self, projected: Any, states: list, recurrent_mask: Any = None) -> tuple[Any, list]:
        h, c = states[0], states[1]
        z = projected + self._gated_conv(h, self.recurrent_kernel.value, recurrent_mask, recurrent=True)
        i, f, g, o = jnp.split(z, 4, axis=self._channel_axis)
        sigma = self.recurrent_activation
        c = sigma(f) * c + sigma(i) * self.activation(g)
        h = sigma(o) * self.activation(c)
        return h, [h, c]

    def compute_output_shape(self, input_shape: Any, states_shape: Any = None) -> tuple:
        return self.state_shape(tuple(input_shape))
