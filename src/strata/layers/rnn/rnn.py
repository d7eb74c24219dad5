"""``RNN``: run any cell over the time axis of ``(batch, timesteps, features)`` sequences.

The cell is any object with Keras's cell contract — ``call(inputs, states, training=None) ->
(output, new_states)`` and a ``state_size`` — including a user-written ``Layer`` subclass; a list of
cells becomes a :class:`StackedRNNCells`.  The layer owns no weights (they live on ``layer.cell``);
the loop is one ``lax.scan`` (see :mod:`strata.layers.rnn.recurrence`).

``stateful=True`` keeps the final states of a call in variables (untracked: not in ``weights``,
not saved, not counted as parameters) and starts the next call from them; ``reset_state()``
zeros them.  This needs a static batch size.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.core.keras_tensor import KerasTensor
from strata.core.variable import Variable
from strata.layers.layer import Layer
from strata.layers.rnn import recurrence
from strata.layers.rnn.stacked_rnn_cells import StackedRNNCells, check_cell, output_size_of, state_sizes


def check_sequence_input(layer: Layer, inputs: Any, ndim: int = 3) -> None:
    """Keras's InputSpec error for a wrong-rank input, plus the reshape that fixes the usual case."""
    shape = getattr(inputs, "shape", None)
    if shape is None or len(shape) == ndim:
        return
    shape = tuple(None if d is None else int(d) for d in shape)
    message = (f"Input 0 with name 'None' of layer '{layer.name}' is incompatible with the layer: "
               f"expected ndim={ndim}, found ndim={len(shape)}. Full shape received: {shape}.")
    if ndim == 3 and len(shape) == 2 and shape[1] is not None:
        features = shape[1]
        message += (f" Recurrent layers take (samples, timesteps, features). To feed {features} features "
                    f"per sample as 1 timestep, reshape with `x = np.reshape(x, (len(x), 1, {features}))`; "
                    f"for {features} timesteps of 1 feature use `x[..., None]`.")
    elif ndim == 3:
        message += " Recurrent layers take (samples, timesteps, features)."
    raise ValueError(message)


class RNN(Layer):
    """The generic recurrent layer (``keras.layers.RNN``).

    Args:
        cell: a cell (``call`` + ``state_size``), or a list of cells to stack.
        return_sequences: return the output of every timestep ``(B, T, units)`` instead of the last.
        return_state: also return the final states: ``[output, *states]``.
        go_backwards: process the sequence in reverse (outputs stay in processing order).
        stateful: carry the final states of one call into the next (static batch size needed).
        unroll: unroll the loop in Python (needs a known number of timesteps).
        zero_output_for_mask: output zeros at masked steps instead of repeating the last output.

    Call arguments: ``sequences``, ``initial_state`` (a list of state arrays), ``mask`` (boolean
    ``(B, T)``), ``training``.

    Example:
        >>> import numpy as np
        >>> from strata.layers import LSTMCell
        >>> RNN(LSTMCell(4), return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 4)
    """

    _config_args = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                    "zero_output_for_mask")
    _sequence_ndim = 3  # (batch, timesteps, features); ConvLSTM2D takes 5

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        check_cell(cell, "Argument `cell`")
        if not isinstance(cell.state_size, (list, tuple, int)):
            raise ValueError(
                "The RNN cell's `state_size` must be an integer, or a list/tuple of integers (one for "
                f"each state tensor). Received: state_size={cell.state_size!r}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self._strata_states: list | None = None
        self._expected_batch_size: int | None = None

    # -- states --------------------------------------------------------------------------------------
    @property
    def state_size(self) -> list:
        return state_sizes(self.cell)

    @property
    def states(self) -> list | None:
        """The state variables of a stateful layer (``None`` until built, or when not stateful)."""
        return self._strata_states

    def get_initial_state(self, batch_size: int) -> list:
        if hasattr(self.cell, "get_initial_state"):
            states = self.cell.get_initial_state(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [jnp.zeros((batch_size, size), self.compute_dtype) for size in self.state_size]

    def reset_state(self) -> None:
        """Zero the states of a stateful layer."""
        for variable in self._flat_state_variables():
            variable.assign(jnp.zeros(variable.shape, variable.dtype))

    def reset_states(self) -> None:
        """Alias of :meth:`reset_state`."""
        self.reset_state()

    def _flat_state_variables(self) -> list:
        flat: list = []
        for item in self._strata_states or []:
            flat.extend(item if isinstance(item, (list, tuple)) else [item])
        return flat

    def _create_state_variables(self, batch_size: int) -> None:
        def make(value: Any) -> Variable:
            return Variable(np.zeros(value.shape, value.dtype), trainable=False, name="rnn_state")

        self._strata_states = [[make(v) for v in s] if isinstance(s, (list, tuple)) else make(s)
                               for s in self.get_initial_state(batch_size)]
        self._expected_batch_size = batch_size

    # -- building and calling ------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        sequences = args[0] if args else kwargs.get("sequences")
        check_sequence_input(self, sequences, self._sequence_ndim)
        if self.unroll and sequences.shape[1] is None:
            raise ValueError(
                "Cannot unroll a RNN if the time dimension is undefined. Pass an `Input` with a known "
                "number of timesteps, e.g. `Input(shape=(10, 3))`, or use `unroll=False`."
            )
        return super().__call__(*args, **kwargs)

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer):
            self.cell._maybe_build(step_shape)
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError(
                    "When using `stateful=True` in a RNN, the batch size must be static. Found dynamic "
                    f"batch size: sequence.shape={tuple(sequences_shape)}. Give the input a fixed batch "
                    "size, e.g. `Input(shape=..., batch_size=32)`."
                )
            if self._strata_states is None:
                self._create_state_variables(sequences_shape[0])

    def _initial_state(self, batch: int, initial_state: Any) -> list:
        if initial_state is None:
            if self.stateful:
                return [[v.value for v in s] if isinstance(s, (list, tuple)) else s.value
                        for s in self._strata_states]
            return self.get_initial_state(batch)
        if isinstance(initial_state, KerasTensor) or not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]

        def convert(value: Any) -> Any:
            if isinstance(value, (list, tuple)):
                return [convert(v) for v in value]
            return jnp.asarray(value, self.compute_dtype)

        return [convert(v) for v in initial_state]

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: bool = False) -> Any:
        batch = sequences.shape[0]
        if self.stateful and self._expected_batch_size is not None and batch != self._expected_batch_size:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the same as the "
                f"batch size of the initial state. \n- Expected batch size: {self._expected_batch_size}"
                f"\n- Received batch size: {batch}"
            )
        states = self._initial_state(batch, initial_state)
        if mask is not None:
            mask = jnp.asarray(mask[0] if isinstance(mask, (list, tuple)) else mask).astype(bool)
        step_shape = (batch,) + tuple(sequences.shape[2:])
        project, step = recurrence.step_functions(self.cell, step_shape, training)
        if recurrence.project_in_loop(self.cell):
            step, sequences = (lambda x_t, s, project=project, step=step: step(project(x_t), s)), sequences
        else:
            sequences = project(sequences)
        last, outputs, states = recurrence.run(
            step, sequences, states, mask=mask, go_backwards=self.go_backwards,
            unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask,
            return_sequences=self.return_sequences)
        if self.stateful:
            flat = [v for s in states for v in (s if isinstance(s, (list, tuple)) else [s])]
            for variable, value in zip(self._flat_state_variables(), flat):
                variable.assign(value)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return [output, *states]
        return output

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch = sequences_shape[0]
        size = output_size_of(self.cell)
        output = (batch, sequences_shape[1], size) if self.return_sequences else (batch, size)
        if not self.return_state:
            return output
        if isinstance(self.cell, StackedRNNCells):
            states = [[(batch, s) for s in state_sizes(cell)] for cell in self.cell.cells]
        else:
            states = [(batch, s) for s in self.state_size]
        return [output, *states]

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        from strata.saving.serialization import serialize_layer

        config = super().get_config()
        config["cell"] = serialize_layer(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "RNN":
        from strata.saving.serialization import deserialize_layer

        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)
