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


def _rows(model: Any, graph: Any, dag: bool) -> list[SummaryRow]:
    nodes = {}
    if graph is not None:
        for node in graph._nodes:
            nodes.setdefault(id(node.operation), []).append(node)
    rows = []
    for layer in model.layers:
        layer_nodes = nodes.get(id(layer), [])
        if layer_nodes:
            shapes = [tuple(t.shape) for t in layer_nodes[0].output_tensors]
            shape = format_output_shape(shapes[0] if len(shapes) == 1 else shapes)
        else:
            shape = "?"
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
