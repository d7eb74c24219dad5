"""Write and read the Keras 3 weights store (``.weights.h5`` and ``model.weights.h5`` inside ``.keras``).

Every object found by :func:`~strata.saving.weights_layout.saveables` gets a group
``<path>/vars`` with attribute ``name`` and datasets ``"0"``, ``"1"``, ... for its variables.
Reading checks each group against the model (count, shape) and names the file, the layer, the
group and both shapes when something does not fit.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from strata.saving.errors import ModelFileError, file_error
from strata.saving.weights_layout import own_variables, saveables, vars_path


def write_variables(group: Any, variables: list[Any]) -> None:
    """Write ``variables`` as datasets ``"0"``, ``"1"``, ... of ``group``."""
    for index, variable in enumerate(variables):
        value = np.asarray(variable.value)
        if value.dtype.name == "bfloat16":
            dataset = group.create_dataset(str(index), data=value)
            dataset.attrs["dtype"] = "bfloat16"
        else:
            group[str(index)] = value


def write_weights(model: Any, h5file: Any, include_optimizer: bool = True) -> None:
    """Write every variable of ``model`` (and its optimizer) into the open ``h5py.File``."""
    for path, obj in saveables(model, include_optimizer=include_optimizer):
        group = h5file.create_group(vars_path(path)) if path else h5file.create_group("vars")
        group.attrs["name"] = obj.name
        write_variables(group, own_variables(obj))
        for key, value in getattr(obj, "save_own_arrays", dict)().items():  # named arrays (tf_idf weights)
            group[key] = value


def _read_group(h5file: Any, path: str, source: Any) -> dict[str, np.ndarray] | None:
    """The datasets under ``<path>/vars`` as arrays, or ``None`` when the group is absent."""
    import h5py

    name = vars_path(path)
    if name not in h5file:
        return None
    group = h5file[name]
    if not isinstance(group, h5py.Group):
        raise file_error(source, f"'{name}' should be a group of variables but is a {type(group).__name__}.")
    values = {}
    for key in group.keys():
        dataset = group[key]
        if not isinstance(dataset, h5py.Dataset):
            raise file_error(source, f"'{name}/{key}' should be a dataset but is a {type(dataset).__name__}.")
        value = np.asarray(dataset[()])
        if dataset.attrs.get("dtype") == "bfloat16":
            import ml_dtypes

            value = value.view(ml_dtypes.bfloat16)
        values[key] = value
    return values


def _describe(obj: Any) -> str:
    from strata.optimizers import Optimizer

    kind = "optimizer" if isinstance(obj, Optimizer) else "layer"
    return f"{kind} '{obj.name}'"


def _check(obj: Any, path: str, stored: dict[str, np.ndarray], source: Any) -> list[np.ndarray]:
    """The stored arrays in variable order, or ``ValueError`` naming what does not fit."""
    variables = own_variables(obj)
    group = "/" + vars_path(path)
    expected_keys = [str(i) for i in range(len(variables))]
    if sorted(stored, key=lambda k: (len(k), k)) != expected_keys:
        raise ValueError(
            f"{_describe(obj).capitalize()} expected {len(variables)} variables, but the file "
            f"'{source}' holds {len(stored)} under '{group}' ({sorted(stored)}). "
            f"Expected: {[v.name for v in variables]}"
        )
    arrays = []
    for key, variable in zip(expected_keys, variables):
        value = stored[key]
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"Shape mismatch in {_describe(obj)} for variable '{variable.name}' "
                f"(dataset '{group}/{key}' of '{source}'): the model expects shape "
                f"{tuple(variable.shape)} but the file holds shape {tuple(value.shape)}."
            )
        if value.dtype.kind not in "biuf" and value.dtype.name != "bfloat16":
            raise ValueError(
                f"Dtype mismatch in {_describe(obj)} for variable '{variable.name}' (dataset "
                f"'{group}/{key}' of '{source}'): the model expects {variable.dtype} but the file "
                f"holds non-numeric data of dtype {value.dtype}."
            )
        arrays.append(value.astype(variable.dtype) if value.dtype != np.dtype(variable.dtype) else value)
    return arrays


def _prepare_optimizer(model: Any, h5file: Any, path: str) -> None:
    """Create the optimizer's slots first when the file has them and the optimizer is not built yet."""
    optimizer = getattr(model, "optimizer", None)
    name = vars_path(path)
    if optimizer is None or optimizer.built or name not in h5file or not model.built:
        return
    if len(h5file[name].keys()) > len(optimizer.variables):
        optimizer.build(model.trainable_variables)


def read_weights(model: Any, h5file: Any, source: Any, skip_mismatch: bool = False) -> None:
    """Assign the variables stored in the open ``h5py.File`` to ``model`` (and its optimizer).

    Every object is checked before anything is assigned, so a failed load leaves the model as it
    was.  With ``skip_mismatch=True`` objects that do not fit are left unchanged and one warning
    lists them.
    """
    from strata.optimizers import Optimizer

    for path, obj in saveables(model):
        if isinstance(obj, Optimizer):
            _prepare_optimizer(model, h5file, path)
    plan: list[tuple[Any, list[np.ndarray]]] = []
    named: list[tuple[Any, dict[str, np.ndarray]]] = []
    failures: list[tuple[str, str]] = []
    for path, obj in saveables(model):
        stored = _read_group(h5file, path, source)
        if isinstance(obj, Optimizer):
            if stored is None:
                continue
            if len(stored) != len(obj.variables):
                warnings.warn(
                    f"Skipping variable loading for optimizer '{obj.name}', because it has "
                    f"{len(obj.variables)} variables whereas the saved optimizer has {len(stored)} "
                    f"variables (file '{source}').",
                    stacklevel=4,
                )
                continue
        stored = stored or {}
        if callable(getattr(obj, "load_own_arrays", None)):  # named arrays, e.g. a lookup's idf_weights
            named.append((obj, {k: stored.pop(k) for k in list(stored) if not k.isdigit()}))
        try:
            plan.append((obj, _check(obj, path, stored, source)))
        except ValueError as error:
            failures.append((obj.name, str(error)))
    if failures and not skip_mismatch:
        names = [name for name, _ in failures]
        raise ModelFileError(
            f"Cannot load weights from '{source}' into model '{model.name}': {len(failures)} object(s) "
            f"do not match {names}. First problem: {failures[0][1]} "
            "Pass `skip_mismatch=True` to load the rest and skip these."
        )
    if failures:
        warnings.warn(
            f"Skipped loading weights for {len(failures)} object(s) from '{source}' because they do not "
            f"match the model: {[name for name, _ in failures]}. First problem: {failures[0][1]}",
            stacklevel=4,
        )
    for obj, arrays in plan:
        for variable, value in zip(own_variables(obj), arrays):
            variable.assign(value)
    for obj, arrays in named:
        obj.load_own_arrays(arrays)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and any(obj is optimizer for obj, _ in plan) and hasattr(model, "_train_steps"):
        model._train_steps = int(np.asarray(optimizer._iterations.value))
