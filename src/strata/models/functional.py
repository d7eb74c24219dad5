"""``Functional``: a model defined as a graph of layer calls on symbolic tensors."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.core import masking, naming
from strata.core.keras_tensor import KerasTensor
from strata.core.node import Node
from strata.layers.convolutional import conv_pool
from strata.models.model import Model


def _flatten(structure: Any) -> list[KerasTensor]:
    return jax.tree_util.tree_leaves(structure, is_leaf=lambda x: isinstance(x, KerasTensor))


def _check_endpoints(structure: Any, argument: str) -> None:
    """Raise a clear error unless every leaf of ``structure`` is a KerasTensor with a producer.

    ``argument`` is ``"inputs"`` or ``"outputs"``; the message names it, the position of the bad
    value in the structure, its type, and how to build a valid tensor.
    """
    from strata.layers.layer import Layer

    leaves = jax.tree_util.tree_flatten_with_path(
        structure, is_leaf=lambda x: not isinstance(x, (list, tuple, dict)))[0]
    if not leaves:
        raise ValueError(
            f"A functional model needs at least one tensor in `{argument}`. Received: {argument}={structure!r}. "
            + ("Create inputs with `strata.Input(shape=...)`." if argument == "inputs" else
               "Pass the tensor(s) returned by calling layers on the `Input` tensors.")
        )
    for path, value in leaves:
        where = argument + jax.tree_util.keystr(path)
        if isinstance(value, KerasTensor):
            if value._keras_history is None:
                raise ValueError(
                    f"All `{argument}` values must be KerasTensors produced by `strata.Input` or by a layer "
                    f"call, but {where} = {value!r} was created directly. Use `strata.Input(shape=...)` "
                    "to create model inputs."
                )
            continue
        kind = type(value)
        type_name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        if kind.__module__.split(".")[0] == "keras":
            fix = ("It comes from the `keras` package; build strata models from `strata.Input` and "
                   "`strata.layers` only")
        elif isinstance(value, Layer):
            fix = ("Call the layer on a tensor (e.g. `outputs = layer(x)`) and pass the result"
                   if argument == "outputs" else "Pass the tensor returned by `strata.Input`, not a layer")
        elif argument == "inputs":
            fix = "Create each input with `strata.Input(shape=...)` and pass that tensor"
        else:
            fix = ("Outputs must be results of calling layers on the model's `Input` tensors; to output "
                   "a constant or a plain function of the inputs, wrap it in a layer (e.g. `Lambda`)")
        raise ValueError(
            f"All `{argument}` values must be KerasTensors. Received: {where} of type {type_name}: "
            f"{_short_repr(value)}. {fix}."
        )


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def map_graph(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> tuple[list[Node], list[Any]]:
    """The nodes needed for ``outputs`` (producers first) and the layers in Keras's order.

    Layers are ordered as Keras orders them, so weights, summaries and saved files line up: by depth
    (distance from the outputs, deepest first), ties broken by the order in which a depth-first walk
    from the outputs first reaches each layer.  Unused inputs come last at depth 0.
    """
    ordered: list[Node] = []
    visit_index: dict[int, int] = {}
    state: dict[int, int] = {}
    input_ids = {id(t) for t in inputs}

    def visit(tensor: KerasTensor) -> None:
        if tensor._keras_history is None:
            raise ValueError(
                f"Tensor {tensor!r} was not produced by `strata.Input` or by a layer call, so the model "
                "cannot compute it. Build every tensor of the graph from `Input` tensors."
            )
        operation, node_index, _ = tensor._keras_history
        node = operation._inbound_nodes[node_index]
        if state.get(id(node)) == 2:
            return
        if id(tensor) in input_ids and not node.is_input:
            state[id(node)] = 2
            return
        if state.get(id(node)) == 1:
            raise ValueError(f"Tensor {tensor!r} from layer '{operation.name}' is part of a cycle.")
        visit_index.setdefault(id(operation), len(visit_index))
        state[id(node)] = 1
        for parent in node.input_tensors:
            visit(parent)
        state[id(node)] = 2
        ordered.append(node)

    for tensor in outputs:
        visit(tensor)
    depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    in_graph = {id(n) for n in ordered}
    for node in reversed(ordered):
        d = max(depth.setdefault(id(node), 0), layer_depth.get(id(node.operation), 0))
        layer_depth[id(node.operation)] = d
        depth[id(node)] = d
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                depth[id(parent)] = max(d + 1, depth.get(id(parent), 0))
    layers = {id(n.operation): n.operation for n in ordered}
    for tensor in inputs:
        layer = tensor._keras_history[0]
        if id(layer) not in layer_depth:
            layers[id(layer)] = layer
            layer_depth[id(layer)] = 0
            visit_index[id(layer)] = -1
    order = sorted(layers, key=lambda key: (-layer_depth[key], visit_index[key]))
    return ordered, [layers[key] for key in order]


def _shapes(tensors: list) -> Any:
    shapes = [tuple(t.shape) for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


class Functional(Model):
    """A model built from ``Input`` tensors and the layer calls that lead to its outputs.

    Args:
        inputs: an ``Input`` tensor, or a list/tuple/dict of them.
        outputs: the tensor(s) the model computes, in the same kinds of structure.
        name: the model name (default ``functional``, made unique).
    """

    _convert_input_args = False  # inner layers cast their own inputs (mixed precision, issue 16 §3)

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True,
                 **kwargs: Any) -> None:
        _check_endpoints(inputs, "inputs")
        _check_endpoints(outputs, "outputs")
        super().__init__(name=name or naming.auto_name("functional"), trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = _flatten(inputs)
        self.outputs = _flatten(outputs)
        self._nodes, operations = map_graph(self.inputs, self.outputs)
        input_ids = {id(t) for t in self.inputs}
        for node in self._nodes:
            if node.is_input and id(node.output_tensors[0]) not in input_ids:
                raise ValueError(
                    f"Graph disconnected: cannot find the value of tensor {node.output_tensors[0]!r} at "
                    f"layer '{node.operation.name}'. Every input the outputs depend on must be listed in "
                    f"`inputs`. Received inputs: {[t.name for t in self.inputs]}"
                )
        for layer in operations:
            self._track(layer)
        self.built = True

    @property
    def layers(self) -> list[Any]:
        return list(self._layers)

    @property
    def input(self) -> Any:
        """The ``inputs`` as given to the constructor (a tensor, list, tuple or dict)."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        """The ``outputs`` as given to the constructor."""
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        """The inputs' shapes (batch dimension ``None``): one tuple, or a list for several."""
        return _shapes(self.inputs)

    @property
    def output_shape(self) -> Any:
        """The outputs' shapes: one tuple, or a list for several."""
        return _shapes(self.outputs)

    @property
    def output_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.outputs]

    @property
    def input_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.inputs]

    def _standardize_inputs(self, inputs: Any) -> list[Any]:
        if isinstance(inputs, dict):  # matched by name, in the order of ``self.inputs``
            from strata.training.data_adapter import by_name, input_keys

            return by_name(inputs, input_keys(self), "inputs", "input")
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) {self.input_names}, but it "
                f"received {len(flat)} input array(s). Pass one array per input, in that order."
            )
        return flat

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        """Run the graph on ``inputs``; a ``mask`` (one per input, or ``None``) is attached to them."""
        flat = self._standardize_inputs(inputs)
        masks = [None] * len(flat) if mask is None else (
            self._standardize_inputs(mask) if isinstance(mask, (list, tuple, dict)) else [mask])
        values: dict[int, Any] = {}
        for tensor, value, value_mask in zip(self.inputs, flat, masks):
            if value_mask is not None:
                value = jnp.asarray(value)
                masking.set_keras_mask(value, value_mask)
            values[id(tensor)] = value
        fusions = self._sole_readers()
        for node in self._nodes:
            if node.is_input or (node.output_tensors and id(node.output_tensors[0]) in values):
                continue  # an input, or a pooling computed fused with its convolution
            leaf = lambda x: isinstance(x, KerasTensor)  # noqa: E731
            args = jax.tree_util.tree_map(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                                          node.call_args, is_leaf=leaf)
            pool = fusions.get(id(node))
            if pool is not None and conv_pool.fusible(node.operation, pool.operation):
                fused = conv_pool.conv_then_pool(node.operation, pool.operation, args[0])
                if fused is not None:  # a convolution and its pooling, block by block (CPU)
                    values[id(pool.output_tensors[0])] = fused
                    continue
            kwargs = jax.tree_util.tree_map(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                                            node.call_kwargs, is_leaf=leaf)
            outputs = node.operation(*args, training=training, **kwargs)
            for tensor, value in zip(node.output_tensors, jax.tree_util.tree_leaves(outputs)):
                values[id(tensor)] = value
        return jax.tree_util.tree_map(lambda t: values[id(t)], self._outputs_struct,
                                      is_leaf=lambda x: isinstance(x, KerasTensor))

    def _sole_readers(self) -> dict[int, Node]:
        """Nodes whose output one other node alone reads, with one argument (not a model output).

        Keyed by the first node; the candidates for a convolution fused with its pooling, which
        :func:`conv_pool.fusible` then checks at each call (the graph is fixed, the layers' settings
        are not).
        """
        if getattr(self, "_strata_sole_readers", None) is None:
            outputs = {id(t) for t in self.outputs}
            readers: dict[int, list[Node]] = {}
            for node in self._nodes:
                for tensor in node.input_tensors:
                    readers.setdefault(id(tensor), []).append(node)
            self._strata_sole_readers = {}
            for node in self._nodes:
                if node.is_input or len(node.output_tensors) != 1 or len(node.call_args) != 1 or node.call_kwargs:
                    continue
                tensor = node.output_tensors[0]
                after = readers.get(id(tensor), [])
                if (id(tensor) not in outputs and len(after) == 1 and len(after[0].call_args) == 1
                        and after[0].call_args[0] is tensor and not after[0].call_kwargs):
                    self._strata_sole_readers[id(node)] = after[0]
        return self._strata_sole_readers

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """``None``: the outputs carry the masks their own layers gave them."""
        return None

    def _outputs_struct_for_cache(self) -> Any:
        """A placeholder structure shaped like this model's outputs."""
        return jax.tree_util.tree_map(lambda t: 0, self._outputs_struct,
                                      is_leaf=lambda x: isinstance(x, KerasTensor))

    def get_config(self) -> dict:
        from strata.models.functional_config import functional_config

        return functional_config(self)

    def get_build_config(self) -> dict:
        return {"input_shape": None}

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        from strata.layers.layer import infer_output_spec

        return infer_output_spec(self, args, kwargs)
