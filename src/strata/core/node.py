"""``Node``: one call of a layer on symbolic inputs, linking producer and consumer layers."""

from __future__ import annotations

from typing import Any

import jax

from strata.core.keras_tensor import KerasTensor


def _is_keras_tensor(x: Any) -> bool:
    return isinstance(x, KerasTensor)


def flatten_keras_tensors(structure: Any) -> list[KerasTensor]:
    """Every KerasTensor in a nested structure of args, in order."""
    leaves = jax.tree_util.tree_leaves(structure, is_leaf=_is_keras_tensor)
    return [leaf for leaf in leaves if isinstance(leaf, KerasTensor)]


class Node:
    """Records that ``operation`` was called on ``call_args``/``call_kwargs`` giving ``outputs``.

    Stamps each output with ``_keras_history = (operation, node_index, tensor_index)`` and registers
    itself as an inbound node of the operation and an outbound node of each producer.
    """

    def __init__(self, operation: Any, call_args: tuple = (), call_kwargs: dict | None = None,
                 outputs: Any = None) -> None:
        self.operation = operation
        self.call_args = call_args
        self.call_kwargs = call_kwargs or {}
        self.outputs = outputs
        self.input_tensors = flatten_keras_tensors((call_args, self.call_kwargs))
        self.output_tensors = flatten_keras_tensors(outputs)
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for tensor_index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = (operation, node_index, tensor_index)
        for tensor in self.input_tensors:
            if tensor._keras_history is not None:
                tensor._keras_history[0]._outbound_nodes.append(self)

    @property
    def parent_nodes(self) -> list["Node"]:
        """The nodes that produced this node's inputs."""
        parents = []
        for tensor in self.input_tensors:
            if tensor._keras_history is not None:
                operation, node_index, _ = tensor._keras_history
                parents.append(operation._inbound_nodes[node_index])
        return parents

    @property
    def is_input(self) -> bool:
        return not self.input_tensors


def first_call_tensors(layer: Any, attr: str, attr_name: str) -> Any:
    """``layer.input`` / ``layer.output``: the tensors of its first symbolic call, as Keras gives them.

    One tensor comes back bare, several as a list.

    Raises:
        AttributeError: the layer was never called on symbolic tensors.
    """
    if not layer._inbound_nodes:
        raise AttributeError(
            f"The layer {layer.name} has never been called and thus has no defined {attr_name}. Call it on "
            f"the output of `Input(...)` (or of another layer) first, e.g. `y = layer(x)`.")
    values = list(getattr(layer._inbound_nodes[0], attr))
    return values[0] if len(values) == 1 else values
