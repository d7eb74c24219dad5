"""``ConvLSTM1D/2D``: LSTMs whose input and recurrent transforms are convolutions.

Inputs are ``(batch, time, *spatial, channels)`` (``channels_first``: channels before the spatial
axes); the state and the output keep the spatial layout of the input convolution's output.
"""

from __future__ import annotations

from typing import Any

from strata.layers.rnn.cell_rnn import CellRNN
from strata.layers.rnn.conv_lstm_cell import ConvLSTMCell


class ConvLSTM(CellRNN):
    """Base of ``ConvLSTM1D`` and ``ConvLSTM2D`` (Keras's ``ConvLSTM``)."""

    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 **kwargs: Any) -> None:
        cell = ConvLSTMCell(self.rank, filters, kernel_size, strides=strides, padding=padding,
                            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                            recurrent_activation=recurrent_activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                            name="conv_lstm_cell", **self.cell_kwargs(kwargs))
        rnn = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards, "stateful": stateful}
        super().__init__(cell, rnn, dict(kwargs, activity_regularizer=activity_regularizer))
        self._sequence_ndim = self.rank + 3

    def __getattr__(self, name: str) -> Any:
        cell = self.__dict__.get("cell")
        if cell is not None and name in ("filters", "kernel_size", "strides", "padding", "data_format",
                                         "dilation_rate"):
            return getattr(cell, name)
        return super().__getattr__(name)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.state_shape((batch,) + tuple(sequences_shape[2:]))
        output = (batch, steps) + state[1:] if self.return_sequences else state
        return [output, state, state] if self.return_state else output


class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM (``keras.layers.ConvLSTM1D``) on ``(batch, time, steps, channels)``.

    Example:
        >>> import numpy as np
        >>> ConvLSTM1D(2, 3)(np.zeros((1, 4, 6, 1), "float32")).shape
        (1, 4, 2)
    """

    rank = 1


class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM (``keras.layers.ConvLSTM2D``) on ``(batch, time, rows, cols, channels)``.

    Weights (on ``layer.cell``): ``kernel (kh, kw, channels, 4f)``, ``recurrent_kernel (kh, kw, f, 4f)``,
    ``bias (4f,)``; gates i, f, c, o.

    Example:
        >>> import numpy as np
        >>> ConvLSTM2D(2, 3, return_sequences=True)(np.zeros((1, 4, 5, 5, 1), "float32")).shape
        (1, 4, 3, 3, 2)
    """

    rank = 2
