"""``LSTM``: the long short-term memory layer, ``RNN`` over an :class:`LSTMCell`."""

from __future__ import annotations

from typing import Any

from strata.layers.rnn.cell_rnn import CellRNN
from strata.layers.rnn.lstm_cell import LSTMCell


class LSTM(CellRNN):
    """Long short-term memory layer (``keras.layers.LSTM``); states ``[h, c]``.

    Args:
        units: size of the output and of each state.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
            bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, seed: as in :class:`LSTMCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in :class:`RNN`.
        use_cudnn: accepted for compatibility and ignored (one ``lax.scan`` on every device).

    Weights (on ``layer.cell``): ``kernel (features, 4u)``, ``recurrent_kernel (u, 4u)``, ``bias (4u,)``,
    gates in the order i, f, c, o; ``4u(features + u + 1)`` parameters.

    Example:
        >>> import numpy as np
        >>> layer = LSTM(5)
        >>> _ = layer(np.zeros((1, 4, 3), "float32"))
        >>> layer.count_params()
        180
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, use_cudnn: Any = "auto", **kwargs: Any) -> None:
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation,
                        use_bias=use_bias, kernel_initializer=kernel_initializer,
                        recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                        unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
                        recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                        kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                        bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                        seed=seed, name="lstm_cell", **self.cell_kwargs(kwargs))
        rnn = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards, "stateful": stateful, "unroll": unroll}
        super().__init__(cell, rnn, dict(kwargs, activity_regularizer=activity_regularizer, use_cudnn=use_cudnn))
