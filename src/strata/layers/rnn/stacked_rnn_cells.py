"""``StackedRNNCells``: several cells run as one, each feeding its output to the next.

``RNN([cell_a, cell_b])`` wraps the list in this class.  Its state is the list of the cells'
states (one list per cell), its output the last cell's output.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.layer import Layer


def state_sizes(cell: Any) -> list:
    """A cell's ``state_size`` as a list (an int becomes a one-item list)."""
    size = cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


def output_size_of(cell: Any) -> int:
    """The size of a cell's output: ``output_size`` when it has one, else its first state's size."""
    size = getattr(cell, "output_size", None)
    return size if size is not None else state_sizes(cell)[0]


def check_cell(cell: Any, where: str) -> None:
    """A ValueError unless ``cell`` has Keras's cell contract (``call`` and ``state_size``)."""
    if not hasattr(cell, "call"):
        raise ValueError(
            f"{where} must have a `call` method, `call(inputs, states, training=None) -> "
            f"(output, new_states)`. Received: cell={cell!r}"
        )
    if not hasattr(cell, "state_size"):
        raise ValueError(
            f"{where} must have a `state_size` attribute (an integer, or a list of integers, one per "
            f"state). Received: cell={cell!r}"
        )


def call_cell(cell: Any, inputs: Any, states: list, training: Any) -> tuple[Any, list]:
    """Run any cell for one step; the new states always come back as a list."""
    if isinstance(cell, Layer):
        output, new_states = cell(inputs, states, training=training)
    else:
        output, new_states = cell.call(inputs, states)
    if not isinstance(new_states, (list, tuple)):
        new_states = [new_states]
    return output, list(new_states)


class StackedRNNCells(Layer):
    """Cells stacked into one (``keras.layers.StackedRNNCells``).

    Args:
        cells: a list of cells (objects with ``call`` and ``state_size``).

    Example:
        >>> from strata.layers import LSTMCell, GRUCell
        >>> cells = StackedRNNCells([LSTMCell(2), GRUCell(3)])
        >>> cells.state_size, cells.output_size
        ([[2, 2], 3], 3)
    """

    def __init__(self, cells: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            check_cell(cell, "Every cell of StackedRNNCells")
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return output_size_of(self.cells[-1])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        """One list of zero (or the cell's own initial) states per cell."""
        result = []
        for cell in self.cells:
            if hasattr(cell, "get_initial_state"):
                states = cell.get_initial_state(batch_size=batch_size)
                result.append(list(states) if isinstance(states, (list, tuple)) else [states])
            else:
                result.append([jnp.zeros((batch_size, size), self.compute_dtype) for size in state_sizes(cell)])
        return result

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer):
                cell._maybe_build(shape)
            shape = (shape[0], output_size_of(cell))

    def call(self, inputs: Any, states: list, training: bool = False) -> tuple[Any, list]:
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            cell_states = list(cell_states) if isinstance(cell_states, (list, tuple)) else [cell_states]
            inputs, cell_states = call_cell(cell, inputs, cell_states, training)
            new_states.append(cell_states)
        return inputs, new_states

    def get_config(self) -> dict:
        from strata.saving.serialization import serialize_layer

        config = super().get_config()
        config["cells"] = [serialize_layer(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "StackedRNNCells":
        from strata.saving.serialization import deserialize_layer

        config = dict(config)
        cells = [deserialize_layer(entry, custom_objects) for entry in config.pop("cells")]
        return cls(cells, **config)
