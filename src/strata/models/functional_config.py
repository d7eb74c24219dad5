"""Functional models to and from Keras's config schema (KERAS_NOTES §7.1).

Each layer entry carries ``name`` and ``inbound_nodes``: the arguments of every call of the layer
inside this model, with symbolic tensors written as ``__keras_tensor__`` records that name the
producing layer and the node and tensor indices.  Loading recreates the layers, then replays the
calls in order until every node of the graph exists again.

Two Keras conventions are reproduced so configs compare equal and load both ways:

* mask arguments: when a layer's ``call`` takes ``mask`` and the call had one tensor argument,
  Keras may record ``mask`` (``None`` for each tensor) in the node's kwargs although the caller
  left it out (see :func:`recorded_kwargs` for when).  Loading drops such all-``None`` entries for
  layers whose ``call`` has no such parameter.
* nested functional models: ``input_layers``/``output_layers`` count a nested functional model's
  calls from 1 (Keras reserves 0 for the model's own graph), while ``inbound_nodes`` count from 0.
"""

from __future__ import annotations

import inspect
from typing import Any

from strata.core.keras_tensor import KerasTensor


def _node_indices(model: Any, own: set[int]) -> dict[int, int]:
    """Each node's index among the nodes of its layer that belong to this model (ids in ``own``)."""
    counters: dict[int, int] = {}
    indices: dict[int, int] = {}
    for layer in model.layers:
        for node in layer._inbound_nodes:
            if id(node) in own or node.is_input:
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


def _call_parameters(layer: Any) -> dict[str, inspect.Parameter]:
    try:
        return dict(inspect.signature(layer.call).parameters)
    except (TypeError, ValueError):
        return {}


def _is_tensor_argument(value: Any) -> bool:
    """Keras's test for a tensor argument: a KerasTensor, or a non-empty nest of them (and ``None``)."""
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple, dict)) and value:
        return all(leaf is None or isinstance(leaf, KerasTensor) for leaf in _flat(value))
    return False


def _flat(value: Any) -> list:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _flat(item)]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _nones_like(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _nones_like(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nones_like(v) for v in value]
    return None


def recorded_kwargs(layer: Any, args: tuple, kwargs: dict) -> dict:
    """The node kwargs Keras would record: ``kwargs`` plus the mask arguments it fills in.

    Keras fills them into the caller's kwargs dict, which its node records only when the layer did
    not first convert its inputs into a new dict: always for functional models, otherwise only for a
    call with a single positional KerasTensor of the layer's compute dtype and no keyword arguments.
    """
    single = (not kwargs and len(args) == 1 and isinstance(args[0], KerasTensor)
              and args[0].dtype == layer.compute_dtype)
    if not single and not _is_functional(layer):
        return dict(kwargs)
    try:
        signature = inspect.signature(layer.call)
        bound = signature.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return dict(kwargs)
    parameters = signature.parameters
    bound.apply_defaults()
    tensor_arguments = {name: value for name, value in bound.arguments.items() if _is_tensor_argument(value)}
    recorded = dict(kwargs)
    if len(tensor_arguments) == 1:
        if "mask" in parameters and bound.arguments.get("mask") is None:
            recorded["mask"] = _nones_like(next(iter(tensor_arguments.values())))
    else:
        for name, value in tensor_arguments.items():
            if f"{name}_mask" in parameters and bound.arguments.get(f"{name}_mask") is None:
                recorded[f"{name}_mask"] = _nones_like(value)
    return recorded


def _accepted_kwargs(layer: Any, kwargs: dict) -> dict:
    """``kwargs`` without empty mask entries that ``layer.call`` has no parameter for."""
    parameters = _call_parameters(layer)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return kwargs
    return {k: v for k, v in kwargs.items()
            if k in parameters or not (k == "mask" or k.endswith("_mask")) or any(x is not None for x in _flat(v))}


def functional_config(model: Any) -> dict:
    """``get_config()`` of a functional model, in Keras's layout."""
    from strata.saving.serialization import serialize_layer

    own = {id(n) for n in model._nodes}
    indices = _node_indices(model, own)
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        nodes = [n for n in layer._inbound_nodes if id(n) in own and not n.is_input]
        entry["inbound_nodes"] = [
            {"args": _serialize_arg(list(n.call_args), indices),
             "kwargs": _serialize_arg(recorded_kwargs(layer, n.call_args, n.call_kwargs), indices)}
            for n in nodes]
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": _endpoints(model._inputs_struct, indices),
            "output_layers": _endpoints(model._outputs_struct, indices)}


def _is_functional(layer: Any) -> bool:
    from strata.models.functional import Functional

    return isinstance(layer, Functional)


def _endpoints(structure: Any, indices: dict[int, int]) -> Any:
    if isinstance(structure, KerasTensor):
        name, node_index, tensor_index = _history(structure, indices)
        return [name, node_index + 1 if _is_functional(structure._keras_history[0]) else node_index, tensor_index]
    if isinstance(structure, dict):
        return {k: _endpoints(v, indices) for k, v in structure.items()}
    return type(structure)(_endpoints(v, indices) for v in structure)


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
            kwargs = _accepted_kwargs(layer, _deserialize_arg(node.get("kwargs", {}), tensors))
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
        if len(value) == 3 and isinstance(value[0], str):
            name, node_index, tensor_index = value
            if _is_functional(created.get(name)):
                node_index -= 1
            return tensors[(name, node_index, tensor_index)]
        return type(value)(endpoint(v) for v in value)

    inputs = endpoint(config["input_layers"])
    outputs = endpoint(config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))
