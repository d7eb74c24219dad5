"""Weights inside legacy ``.h5`` files (the ``model_weights`` and ``optimizer_weights`` groups).

Layout (KERAS_NOTES §7.3): the group has the attribute ``layer_names``; each layer has a group named
after it holding the attribute ``weight_names`` and one dataset per name.  Keras 3 names weights by
``variable.path`` (``"seq/dense/kernel"``), tf.keras 2.x by the TensorFlow variable name
(``"dense/kernel:0"``); either way the order of ``weight_names`` is the layer's trainable weights
then its non-trainable ones.  Weighted layers are matched to the model by position, or by name.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from strata.core.host_buffers import aligned_empty

# An HDF5 object header holds at most 64 KiB; longer attribute lists are split into chunks.
_HEADER_LIMIT = 64512


def legacy_weights(layer: Any) -> list[Any]:
    """A layer's variables in the order legacy files store them: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def write_attribute_list(group: Any, name: str, items: list[str]) -> None:
    """Store a list of strings as an attribute, in numbered chunks when it is too large."""
    data = [item.encode("utf8") for item in items]
    too_long = [item for item in data if len(item) > _HEADER_LIMIT]
    if too_long:
        raise RuntimeError(
            f"Cannot save attribute '{name}': items longer than {_HEADER_LIMIT} bytes do not fit in "
            f"an HDF5 header. Received: {too_long[:3]}"
        )
    array = np.asarray(data)
    chunks = 1
    while any(part.nbytes > _HEADER_LIMIT for part in np.array_split(array, chunks)):
        chunks += 1
    if chunks == 1:
        group.attrs[name] = data if data else np.asarray([])
        return
    for index, part in enumerate(np.array_split(array, chunks)):
        group.attrs[f"{name}{index}"] = part


def read_attribute_list(group: Any, name: str) -> list[str]:
    """Read a list of strings written by :func:`write_attribute_list` (chunked or not)."""
    if name in group.attrs:
        raw = list(group.attrs[name])
    else:
        raw, index = [], 0
        while f"{name}{index}" in group.attrs:
            raw.extend(group.attrs[f"{name}{index}"])
            index += 1
    return [item.decode("utf8") if isinstance(item, bytes) else str(item) for item in raw]


def write_weight_subset(group: Any, variables: list[Any]) -> None:
    """Write ``variables`` as datasets named by ``variable.path``, listed in ``weight_names``."""
    names = [str(variable.path) for variable in variables]
    write_attribute_list(group, "weight_names", names)
    for name, variable in zip(names, variables):
        value = np.asarray(variable.numpy())
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        dataset[()] = value


def layer_group(group: Any, name: str) -> Any:
    """The group of layer ``name`` (listed in ``layer_names``), or ``ValueError`` saying what is missing."""
    import h5py

    if name not in group:
        raise ValueError(f"layer '{name}' is listed in `layer_names` but has no group in '{group.name}'.")
    found = group[name]
    if not isinstance(found, h5py.Group):
        raise ValueError(f"'{found.name}' should be a group of weights but is a {type(found).__name__}.")
    return found


def weight_names(group: Any) -> list[str]:
    """The ``weight_names`` of a layer group (a group holding data must list them)."""
    names = read_attribute_list(group, "weight_names")
    if not names and "weight_names" not in group.attrs and "weight_names0" not in group.attrs and len(group):
        raise ValueError(f"the layer group '{group.name}' holds data but no `weight_names` attribute.")
    return names


def weight_datasets(group: Any) -> list[Any]:
    """The datasets of a layer group, in ``weight_names`` order, checked to exist and be numeric.

    Nothing is read: shapes and dtypes come from the file's metadata, so a whole file can be
    checked before any data is loaded.
    """
    import h5py

    datasets = []
    for name in weight_names(group):
        dataset = group.get(name)
        if not isinstance(dataset, h5py.Dataset):
            problem = "is missing" if dataset is None else f"is a {type(dataset).__name__}, not a dataset"
            raise ValueError(f"weight '{name}' listed in `weight_names` of '{group.name}' {problem}.")
        if dataset.dtype.kind not in "biuf":
            raise ValueError(f"weight '{name}' of '{group.name}' holds non-numeric data of dtype {dataset.dtype}.")
        datasets.append(dataset)
    return datasets


def read_dataset(dataset: Any) -> np.ndarray:
    """One dataset's array, read straight into a 64-byte aligned buffer.

    On the CPU, JAX adopts an aligned NumPy buffer without copying it, so assigning the result to
    a variable costs no second copy of the weight (an unaligned one would be copied).
    """
    if dataset.size == 0 or dataset.ndim == 0:
        return np.asarray(dataset[()])
    value = aligned_empty(dataset.shape, dataset.dtype)
    dataset.read_direct(value)
    return value


def read_weight_subset(group: Any) -> list[np.ndarray]:
    """The arrays of a layer group, in ``weight_names`` order (each checked to exist and be numeric)."""
    return [read_dataset(dataset) for dataset in weight_datasets(group)]


def write_model_weights(group: Any, model: Any, keras_version: str) -> None:
    """Fill ``group`` with the model's weights in Keras 3's legacy layout."""
    layers = list(model.layers)
    write_attribute_list(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = b"jax"
    group.attrs["keras_version"] = keras_version.encode("utf8")
    for layer in sorted(layers, key=lambda layer: layer.name):
        write_weight_subset(group.create_group(layer.name), legacy_weights(layer))
    write_weight_subset(group.create_group("top_level_model_weights"), _top_level(model))


def _top_level(model: Any) -> list[Any]:
    return list(model._trainable_variables) + list(model._non_trainable_variables)


def _plan(layer_label: str, variables: list[Any], values: list[Any], skip_mismatch: bool,
          plan: list[tuple[Any, Any]]) -> None:
    """Append the ``(variable, dataset)`` pairs to assign; a shape mismatch raises or (skipped) warns."""
    for variable, value in zip(variables, values):
        if tuple(value.shape) != tuple(variable.shape):
            message = (f"Shape mismatch in {layer_label} for weight {variable.path}. Weight expects shape "
                       f"{tuple(variable.shape)}. Received saved weight with shape {tuple(value.shape)}.")
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights: {message}", UserWarning, stacklevel=4)
                continue
            raise ValueError(message + " Pass `skip_mismatch=True` to skip such weights.")
        plan.append((variable, value))


def _apply(plan: list[tuple[Any, Any]]) -> None:
    """Read and assign the planned datasets one at a time.

    Every layer, name, shape and dtype was checked from the file's metadata before this runs, so a
    file that does not fit changes nothing; the data then streams in one weight at a time, so a
    load holds at most one weight beyond the model's own variables (not a copy of the file).
    """
    for variable, dataset in plan:
        value = read_dataset(dataset)
        variable.assign(value.astype(variable.dtype, copy=False))
        del value


def _count_error(label: str, expected: int, received: int) -> ValueError:
    return ValueError(
        f"Weight count mismatch for {label}: the layer expects {expected} weight(s), the file holds "
        f"{received}. Check that the file was saved from the same architecture."
    )


def load_model_weights(group: Any, model: Any, skip_mismatch: bool = False) -> None:
    """Load a ``layer_names`` group into ``model``, matching weighted layers by position."""
    if "layer_names" not in group.attrs and "layer_names0" not in group.attrs:
        raise ValueError(f"'{group.name}' has no `layer_names` attribute, so its layers cannot be matched.")
    layers = [layer for layer in model.layers if legacy_weights(layer)]
    saved = [name for name in read_attribute_list(group, "layer_names")
             if weight_names(layer_group(group, name))]
    if len(saved) != len(layers):
        raise ValueError(
            f"Layer count mismatch when loading weights from file. The model has {len(layers)} "
            f"layers with weights, the file has {len(saved)} ({saved}). Load by name with "
            "`by_name=True` if the architectures differ."
        )
    plan: list[tuple[Any, Any]] = []
    for index, (name, layer) in enumerate(zip(saved, layers)):
        values = weight_datasets(group[name])
        variables = legacy_weights(layer)
        if len(values) != len(variables):
            raise _count_error(f"layer #{index} (named {layer.name} in the model, {name} in the file)",
                               len(variables), len(values))
        _plan(f"layer #{index} (named {layer.name})", variables, values, skip_mismatch, plan)
    _plan_top_level(group, model, skip_mismatch, plan)
    _apply(plan)


def load_model_weights_by_name(group: Any, model: Any, skip_mismatch: bool = False) -> None:
    """Load into the layers whose names appear in the file; other layers keep their weights."""
    by_name: dict[str, list[Any]] = {}
    for layer in model.layers:
        by_name.setdefault(layer.name, []).append(layer)
    plan: list[tuple[Any, Any]] = []
    for index, name in enumerate(read_attribute_list(group, "layer_names")):
        values = weight_datasets(layer_group(group, name))
        for layer in by_name.get(name, []):
            variables = legacy_weights(layer)
            if len(values) != len(variables):
                if skip_mismatch:
                    warnings.warn(
                        f"Skipping loading weights for layer #{index} (named {name}): it expects "
                        f"{len(variables)} weight(s), the file holds {len(values)}.",
                        UserWarning, stacklevel=3)
                    continue
                raise _count_error(f"layer #{index} (named {name})", len(variables), len(values))
            _plan(f"layer #{index} (named {name})", variables, values, skip_mismatch, plan)
    _plan_top_level(group, model, skip_mismatch, plan)
    _apply(plan)


def _plan_top_level(group: Any, model: Any, skip_mismatch: bool, plan: list[tuple[Any, Any]]) -> None:
    if "top_level_model_weights" not in group:
        return
    values = weight_datasets(layer_group(group, "top_level_model_weights"))
    variables = _top_level(model)
    if len(values) != len(variables):
        if skip_mismatch:
            return
        raise _count_error("the model's top-level weights", len(variables), len(values))
    _plan("top-level model", variables, values, skip_mismatch, plan)


def write_optimizer_weights(root: Any, optimizer: Any) -> None:
    """Write ``optimizer.variables`` into ``/optimizer_weights`` (named by ``variable.path``)."""
    variables = list(optimizer.variables)
    if variables:
        write_weight_subset(root.create_group("optimizer_weights"), variables)


def read_optimizer_weights(root: Any) -> tuple[list[str], list[np.ndarray]]:
    """The names and arrays stored in ``/optimizer_weights``."""
    group = layer_group(root, "optimizer_weights")
    return weight_names(group), read_weight_subset(group)
