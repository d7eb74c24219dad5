"""Functional models to and from Keras's config schema (KERAS_NOTES §7.1).

Each layer entry carries ``name`` and ``inbound_nodes``: the arguments of every call of the layer
inside this model, with symbolic tensors written as ``__keras_tensor__`` records that name the
producing layer and the node and tensor indices.  Loading recreates the layers, then replays the
calls in order until every node of the graph exists again.
"""

from __future__ import annotations

from typing import Any

from strata.core.keras_tensor import KerasTensor


def _node_indices(model: Any) -> dict[int, int]:
    """Each node's index among the nodes of its layer that belong to this model."""
    counters: dict[int, int] = {}
    indices: dict[int, int] = {}
    for layer in model.layers:
        for node in layer._inbound_nodes:
            if id(node) in model._node_ids or node.is_input:
                indices[id(node)] = counters.get(id(layer), 0)
                counters[id(layer)] = indices[id(node)] + 1
    return indices


def _history(tensor: KerasTensor, indices: dict[int, int]) -> list:
    layer, node_index, tensor_index = tensor._keras_history
    node = layer._inbound_nodes[node_index]
    return [layer.name, indices.get(id(node), node_index), tensor_index]


def _serialize_arg(value: Any, indices: dict[int, int]) -> Any:
    if isinstance(value, KerasTensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(value.shape), "dtype": value.dtype,
                           "keras_history": _history(value, indices)}}
    if isinstance(value, (list, tuple)):
        return [_serialize_arg(v, indices) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_arg(v, indices) for k, v in value.items()}
    return value


def functional_config(model: Any) -> dict:
    """``get_config()`` of a functional model, in Keras's layout."""
    from strata.saving.serialization import serialize_layer

    model._node_ids = {id(n) for n in model._nodes}
    indices = _node_indices(model)
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        nodes = [n for n in layer._inbound_nodes if id(n) in model._node_ids and not n.is_input]
        entry["inbound_nodes"] = [{"args": _serialize_arg(list(n.call_args), indices),
                                   "kwargs": _serialize_arg(n.call_kwargs, indices)} for n in nodes]
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": _endpoints(model._inputs_struct, indices),
            "output_layers": _endpoints(model._outputs_struct, indices)}


def _endpoints(structure: Any, indices: dict[int, int]) -> Any:
    if isinstance(structure, KerasTensor):
        return _history(structure, indices)
    if isinstance(structure, dict):
        return {k: _endpoints(v, indices) for k, v in structure.items()}
    return [_endpoints(v, indices) for v in structure]


def _deserialize_arg(value: Any, tensors: dict[tuple, KerasTensor]) -> Any:
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        name, node_index, tensor_index = value["config"]["keras_history"]
        return tensors[(name, node_index, tensor_index)]
    if isinstance(value, list):
        return [_deserialize_arg(v, tensors) for v in value]
    if isinstance(value, dict):
        return {k: _deserialize_arg(v, tensors) for k, v in value.items()}
    return value


def _needed(value: Any) -> list[tuple]:
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return [tuple(value["config"]["keras_history"])]
    if isinstance(value, list):
        return [key for v in value for key in _needed(v)]
    if isinstance(value, dict):
        return [key for v in value.values() for key in _needed(v)]
    return []


def functional_from_config(cls: type, config: dict, custom_objects: dict | None = None) -> Any:
    """Rebuild a functional model from :func:`functional_config` output (or Keras's)."""
    from strata.saving.serialization import deserialize_layer

    created: dict[str, Any] = {}
    pending: list[tuple[Any, dict, int]] = []
    tensors: dict[tuple, KerasTensor] = {}
    for entry in config["layers"]:
        layer = deserialize_layer({k: v for k, v in entry.items() if k not in ("inbound_nodes", "build_config")},
                                  custom_objects=custom_objects)
        created[entry.get("name", layer.name)] = layer
        if type(layer).__name__ == "InputLayer":
            tensors[(layer.name, 0, 0)] = layer.output
        for node_index, node in enumerate(entry.get("inbound_nodes", [])):
            pending.append((layer, node, node_index))
    while pending:
        progressed = False
        for item in list(pending):
            layer, node, node_index = item
            if not all(key in tensors for key in map(tuple, _needed(node))):
                continue
            args = _deserialize_arg(node.get("args", []), tensors)
            kwargs = _deserialize_arg(node.get("kwargs", {}), tensors)
            outputs = layer(*args, **kwargs)
            flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            for tensor_index, tensor in enumerate(flat):
                tensors[(layer.name, node_index, tensor_index)] = tensor
            pending.remove(item)
            progressed = True
        if not progressed:
            missing = sorted({k[0] for item in pending for k in map(tuple, _needed(item[1])) if k not in tensors})
            raise ValueError(f"Cannot rebuild the model: layers {missing} are referenced but never produced.")

    def endpoint(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: endpoint(v) for k, v in value.items()}
        if value and isinstance(value[0], list):
            return [endpoint(v) for v in value]
        return tensors[tuple(value)]

    inputs = endpoint(config["input_layers"])
    outputs = endpoint(config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))
