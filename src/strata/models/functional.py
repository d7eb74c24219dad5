"""``Functional``: a model defined as a graph of layer calls on symbolic tensors."""

from __future__ import annotations

from typing import Any

import jax

from strata.core import naming
from strata.core.keras_tensor import KerasTensor
from strata.core.node import Node
from strata.models.model import Model


def _flatten(structure: Any) -> list[KerasTensor]:
    return jax.tree_util.tree_leaves(structure, is_leaf=lambda x: isinstance(x, KerasTensor))


def topological_nodes(outputs: list[KerasTensor]) -> list[Node]:
    """Every node needed to compute ``outputs``, producers before consumers."""
    ordered: list[Node] = []
    state: dict[int, int] = {}

    def visit(node: Node) -> None:
        mark = state.get(id(node))
        if mark == 2:
            return
        if mark == 1:
            raise ValueError(f"The layer graph has a cycle through layer '{node.operation.name}'.")
        state[id(node)] = 1
        for parent in node.parent_nodes:
            visit(parent)
        state[id(node)] = 2
        ordered.append(node)

    for tensor in outputs:
        if tensor._keras_history is None:
            raise ValueError(
                f"Output tensor {tensor!r} was not produced by a layer call. Model outputs must be "
                "the results of calling layers on `Input` tensors."
            )
        operation, node_index, _ = tensor._keras_history
        visit(operation._inbound_nodes[node_index])
    return ordered


class Functional(Model):
    """A model built from ``Input`` tensors and the layer calls that lead to its outputs.

    Args:
        inputs: an ``Input`` tensor, or a list/tuple/dict of them.
        outputs: the tensor(s) the model computes, in the same kinds of structure.
        name: the model name (default ``functional``, made unique).
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(name=name or naming.auto_name("functional"), trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = _flatten(inputs)
        self.outputs = _flatten(outputs)
        self._nodes = topological_nodes(self.outputs)
        input_ids = {id(t) for t in self.inputs}
        for node in self._nodes:
            if node.is_input and id(node.output_tensors[0]) not in input_ids:
                raise ValueError(
                    f"Graph disconnected: cannot find the value of tensor {node.output_tensors[0]!r} at "
                    f"layer '{node.operation.name}'. Every input the outputs depend on must be listed in "
                    f"`inputs`. Received inputs: {[t.name for t in self.inputs]}"
                )
        operations: list[Any] = []
        for tensor in self.inputs:
            layer = tensor._keras_history[0]
            if all(layer is not op for op in operations):
                operations.append(layer)
        for node in self._nodes:
            if all(node.operation is not op for op in operations):
                operations.append(node.operation)
        for layer in operations:
            self._track(layer)
        self.built = True

    @property
    def layers(self) -> list[Any]:
        return list(self._layers)

    @property
    def output_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.outputs]

    @property
    def input_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.inputs]

    def _standardize_inputs(self, inputs: Any) -> list[Any]:
        if isinstance(inputs, dict) and isinstance(self._inputs_struct, dict):
            return [inputs[key] for key in self._inputs_struct]
        if isinstance(inputs, dict):
            return [inputs[name] for name in self.input_names]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) {self.input_names}, but it "
                f"received {len(flat)} input array(s). Pass one array per input, in that order."
            )
        return flat

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        values: dict[int, Any] = {}
        for tensor, value in zip(self.inputs, self._standardize_inputs(inputs)):
            values[id(tensor)] = value
        for node in self._nodes:
            if node.is_input:
                continue
            leaf = lambda x: isinstance(x, KerasTensor)  # noqa: E731
            args = jax.tree_util.tree_map(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                                          node.call_args, is_leaf=leaf)
            kwargs = jax.tree_util.tree_map(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                                            node.call_kwargs, is_leaf=leaf)
            outputs = node.operation(*args, training=training, **kwargs)
            for tensor, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outputs)):
                values[id(tensor)] = value
        return jax.tree_util.tree_map(lambda t: values[id(t)], self._outputs_struct,
                                      is_leaf=lambda x: isinstance(x, KerasTensor))

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        from strata.layers.layer import infer_output_spec

        return infer_output_spec(self, args, kwargs)
