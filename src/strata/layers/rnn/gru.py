"""``GRU``: the gated recurrent unit layer, ``RNN`` over a :class:`GRUCell`."""

from __future__ import annotations

from typing import Any

from strata.layers.rnn.cell_rnn import CellRNN
from strata.layers.rnn.gru_cell import GRUCell


class GRU(CellRNN):
    """Gated recurrent unit layer (``keras.layers.GRU``); one state ``h``.

    Args:
        units: size of the output and of the state.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
            reset_after, seed: as in :class:`GRUCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in :class:`RNN`.
        use_cudnn: accepted for compatibility and ignored.

    Weights (on ``layer.cell``): ``kernel (features, 3u)``, ``recurrent_kernel (u, 3u)``, ``bias``
    ``(2, 3u)`` (``(3u,)`` with ``reset_after=False``); gates z, r, h.

    Example:
        >>> import numpy as np
        >>> GRU(2, return_sequences=True)(np.zeros((1, 4, 5), "float32")).shape
        (1, 4, 2)
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 reset_after: bool = True, use_cudnn: Any = "auto", **kwargs: Any) -> None:
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation,
                       use_bias=use_bias, kernel_initializer=kernel_initializer,
                       recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                       kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                       bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                       recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                       dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
                       seed=seed, name="gru_cell", **self.cell_kwargs(kwargs))
        rnn = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards, "stateful": stateful, "unroll": unroll}
        super().__init__(cell, rnn, dict(kwargs, activity_regularizer=activity_regularizer, use_cudnn=use_cudnn))
