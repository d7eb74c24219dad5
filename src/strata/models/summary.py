"""``Model.summary()``: collect rows and totals from a model; ``summary_render`` draws them."""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.models.summary_render import SummaryRow, format_output_shape, render_summary


def _size(variables: list) -> tuple[int, int]:
    count = sum(int(np.prod(v.shape)) for v in variables)
    nbytes = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in variables)
    return count, nbytes


def _graph(model: Any) -> Any:
    return getattr(model, "_functional", None) or (model if hasattr(model, "_nodes") else None)


def _is_dag(model: Any, graph: Any) -> bool:
    from strata.models.sequential import Sequential

    if isinstance(model, Sequential) or graph is None:
        return False
    for node in graph._nodes:
        if len(node.input_tensors) > 1 or len(node.operation._inbound_nodes) > 1:
            return True
    return False


def _plain_shape(shape: Any) -> Any:
    """A shape structure with every dimension a Python ``int`` or ``None``."""
    if isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in shape):
        return tuple(None if d is None else int(d) for d in shape)
    if isinstance(shape, dict):
        return {k: _plain_shape(v) for k, v in shape.items()}
    return type(shape)(_plain_shape(v) for v in shape) if isinstance(shape, (tuple, list)) else shape


def _output_shape(layer: Any, node: Any) -> str:
    """The Output Shape cell, by Keras's rule (``summary_utils.format_layer_shape``).

    The layer's node in this model's graph gives the shape; failing that, its last inbound node;
    failing that, ``compute_output_shape`` of the shapes it was built with (a subclassed model's
    layers after a call on data). ``?`` when there is none of these or the layer cannot compute it.
    """
    if node is None and layer._inbound_nodes:
        node = layer._inbound_nodes[-1]
    if node is not None:
        shapes = [tuple(t.shape) for t in node.output_tensors]
        return format_output_shape(_plain_shape(shapes[0] if len(shapes) == 1 else shapes))
    if layer._build_shapes is None:
        return "?"
    try:
        shapes = layer.compute_output_shape(layer._build_shapes)
    except NotImplementedError:
        return "?"
    return format_output_shape(_plain_shape(shapes))


def _rows(model: Any, graph: Any, dag: bool) -> list[SummaryRow]:
    nodes = {}
    if graph is not None:
        for node in graph._nodes:
            nodes.setdefault(id(node.operation), []).append(node)
    rows = []
    for layer in model.layers:
        layer_nodes = nodes.get(id(layer), [])
        shape = _output_shape(layer, layer_nodes[0] if layer_nodes else None)
        params: int | str = layer.count_params() if layer.built else "0 (unbuilt)"
        connected = []
        for node in layer_nodes:
            for tensor in node.input_tensors:
                producer, node_index, tensor_index = tensor._keras_history
                connected.append(f"{producer.name}[{node_index}][{tensor_index}]")
        trainable = "-" if not layer.weights else ("Y" if layer.trainable else "N")
        rows.append(SummaryRow(layer_label=f"{layer.name} ({type(layer).__name__})", output_shape=shape,
                               params=params, connected_to=tuple(connected), trainable=trainable))
    return rows


def print_summary(model: Any, line_length: int | None = None, positions: Any = None, print_fn: Any = None,
                  expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
    """Print ``model``'s summary in Keras 3's layout (see ``Model.summary``)."""
    graph = _graph(model)
    dag = _is_dag(model, graph)
    rows = _rows(model, graph, dag)
    if layer_range is not None:
        names = [layer.name for layer in model.layers]
        start, stop = (names.index(layer_range[0]), names.index(layer_range[1]) + 1)
        rows = rows[start:stop]
    trainable = _size(model.trainable_weights) if model.built else (0, 0)
    non_trainable = _size(model.non_trainable_weights) if model.built else (0, 0)
    optimizer = getattr(model, "optimizer", None)
    optimizer_size = _size(optimizer.variables) if optimizer is not None and optimizer.built else None
    total = (trainable[0] + non_trainable[0] + (optimizer_size[0] if optimizer_size else 0),
             trainable[1] + non_trainable[1] + (optimizer_size[1] if optimizer_size else 0))
    render_summary(model.name, rows, dag=dag, total_params=total[0], trainable_params=trainable[0],
                   non_trainable_params=non_trainable[0], total_bytes=total[1], trainable_bytes=trainable[1],
                   non_trainable_bytes=non_trainable[1],
                   optimizer_params=optimizer_size[0] if optimizer_size else None,
                   optimizer_bytes=optimizer_size[1] if optimizer_size else 0,
                   line_length=line_length, positions=positions, print_fn=print_fn,
                   show_trainable=show_trainable)
