"""``SimpleRNN``: the fully connected recurrent layer, ``RNN`` over a :class:`SimpleRNNCell`."""

from __future__ import annotations

from typing import Any

from strata.layers.rnn.cell_rnn import CellRNN
from strata.layers.rnn.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellRNN):
    """Fully connected RNN whose output is fed back as its input (``keras.layers.SimpleRNN``).

    Args:
        units: size of the output/state.
        activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
            kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
            recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed: as in
            :class:`SimpleRNNCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in :class:`RNN`.

    Weights (on ``layer.cell``): ``kernel (features, units)``, ``recurrent_kernel (units, units)``,
    ``bias (units,)``.

    Example:
        >>> import numpy as np
        >>> SimpleRNN(16)(np.zeros((2, 1, 6), "float32")).shape
        (2, 16)
    """

    _writes_seed = False

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 seed: int | None = None, **kwargs: Any) -> None:
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint, dropout=dropout,
                             recurrent_dropout=recurrent_dropout, seed=seed, name="simple_rnn_cell",
                             **self.cell_kwargs(kwargs))
        rnn = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards, "stateful": stateful, "unroll": unroll}
        super().__init__(cell, rnn, dict(kwargs, activity_regularizer=activity_regularizer))
