"""The graph ``plot_model`` draws: one box per layer, one edge per layer-to-layer connection.

The boxes and edges are the ones Keras's ``model_to_dot`` puts in its ``.dot`` graph: a Sequential
model's layers in a chain (no input box), a Functional model's layers (its ``InputLayer`` boxes
included) joined along the calls recorded in its graph, a subclassed model as a single box.  With
``expand_nested``, a nested Sequential or Functional model is replaced by its own layers, grouped
in a *cluster* named after it, and edges into and out of it attach to the layers inside.

Each box carries Keras's label content: the class name (or ``name (Class)``), then optional lines
``Activation: relu``, ``Input shape: (None, 8)``, ``Output shape: (None, 4)``,
``Output dtype: float32`` and a ``Trainable``/``Non-trainable`` cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class GraphNode:
    """One box: its layer, header text, detail lines, trainable cell and cluster path."""

    layer: Any
    header: str
    lines: list[str] = field(default_factory=list)
    trainable: str | None = None
    clusters: tuple[str, ...] = ()


def _is_model(layer: Any) -> bool:
    from strata.models.functional import Functional
    from strata.models.sequential import Sequential

    return isinstance(layer, (Functional, Sequential))


def _shape_text(structure: Any, attribute: str) -> str:
    """Shapes or dtypes of a layer's first-call tensors, as Keras prints them (``?`` if none)."""
    tensors = structure if isinstance(structure, (list, tuple)) else [structure]
    values = [getattr(t, attribute) for t in tensors]
    if attribute == "shape":
        values = [tuple(None if d is None else int(d) for d in v) for v in values]
    return str(values[0] if len(values) == 1 else values)


def _tensors_text(layer: Any, which: str, attribute: str) -> str:
    try:
        return _shape_text(getattr(layer, which), attribute)
    except (AttributeError, ValueError):
        return "?"


def make_node(layer: Any, show_shapes: bool, show_dtype: bool, show_layer_names: bool,
              show_layer_activations: bool, show_trainable: bool, clusters: tuple[str, ...]) -> GraphNode:
    """The box of one layer, with the lines Keras's label would show for these flags."""
    from strata.explain.explain_prediction import activation_name

    class_name = type(layer).__name__
    header = f"{layer.name} ({class_name})" if show_layer_names else class_name
    lines = []
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        lines.append(f"Activation: {activation_name(layer)}")
    if show_shapes:
        if class_name != "InputLayer":
            lines.append(f"Input shape: {_tensors_text(layer, 'input', 'shape')}")
        lines.append(f"Output shape: {_tensors_text(layer, 'output', 'shape')}")
    if show_dtype:
        lines.append(f"Output dtype: {_tensors_text(layer, 'output', 'dtype')}")
    trainable = None
    if show_trainable and layer.weights:
        trainable = "Trainable" if layer.trainable else "Non-trainable"
    return GraphNode(layer, header, lines, trainable, clusters)


def _exit_layer(layer: Any, output_index: int) -> Any:
    """The real layer producing output ``output_index`` of a (possibly nested) model."""
    while _is_model(layer):
        layer, _, output_index = layer.outputs[output_index]._keras_history
    return layer


def _entry_layer(layer: Any, input_index: int) -> Any:
    """The real layer receiving input ``input_index`` of a (possibly nested) model."""
    from strata.models.sequential import Sequential

    while _is_model(layer):
        layer = layer.layers[0] if isinstance(layer, Sequential) else layer.inputs[input_index]._keras_history[0]
    return layer


def model_graph(model: Any, flags: dict, expand_nested: bool = False,
                clusters: tuple[str, ...] = ()) -> tuple[list[GraphNode], list[tuple[Any, Any]]]:
    """``(nodes, edges)`` of ``model``'s drawing; edges join layer objects (``id`` keyed later)."""
    from strata.models.functional import Functional
    from strata.models.sequential import Sequential

    if isinstance(model, Sequential):
        layers = model.layers
    elif isinstance(model, Functional):
        layers = model.layers
    else:
        return [make_node(model, clusters=clusters, **flags)], []
    nodes, edges = [], []
    for layer in layers:
        if expand_nested and _is_model(layer):
            inner_nodes, inner_edges = model_graph(layer, flags, True, clusters + (layer.name,))
            nodes += inner_nodes
            edges += inner_edges
        else:
            nodes.append(make_node(layer, clusters=clusters, **flags))
    exits = (lambda layer, i: _exit_layer(layer, i)) if expand_nested else (lambda layer, i: layer)
    entries = (lambda layer, i: _entry_layer(layer, i)) if expand_nested else (lambda layer, i: layer)
    if isinstance(model, Sequential):
        for before, after in zip(layers, layers[1:]):
            edges.append((exits(before, 0), entries(after, 0)))
        return nodes, edges
    for node in model._nodes:
        for input_index, tensor in enumerate(node.input_tensors):
            producer, _, output_index = tensor._keras_history
            edges.append((exits(producer, output_index), entries(node.operation, input_index)))
    return nodes, list(dict.fromkeys((a, b) for a, b in edges))
