"""Turn what users pass to ``fit``/``evaluate``/``predict`` into arrays, with Keras's semantics.

Accepts NumPy arrays, lists, JAX arrays and pandas DataFrames/Series (single arrays, or lists,
tuples and dicts of them for multi-input/output models).  Reports user mistakes here, before any
compiled step runs: non-numeric columns, NaN/inf values, mismatched sample counts.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def _is_pandas(x: Any) -> bool:
    module = type(x).__module__
    return (module == "pandas" or module.startswith("pandas.")) and hasattr(x, "to_numpy")


def to_numpy(x: Any, argument: str) -> np.ndarray:
    """One array-like as a NumPy array, with a clear error for non-numeric data."""
    if _is_pandas(x):
        if hasattr(x, "columns"):
            bad = [str(c) for c, dtype in zip(x.columns, x.dtypes) if not _numeric_dtype(dtype)]
            if bad:
                raise ValueError(
                    f"`{argument}` has non-numeric columns {bad} (dtypes "
                    f"{[str(x[c].dtype) for c in x.columns if str(c) in bad]}). Neural networks need "
                    "numbers: encode categories first, e.g. `pd.get_dummies(df, columns=[...])`, or drop "
                    "those columns."
                )
        elif not _numeric_dtype(x.dtype):
            raise ValueError(
                f"`{argument}` is a pandas Series of dtype {x.dtype}, which is not numeric. Encode it "
                "first, e.g. with `pd.get_dummies(series)` or `series.astype('category').cat.codes`."
            )
        x = x.to_numpy()
    if isinstance(x, jax.Array):
        x = np.asarray(x)
    array = np.asarray(x)
    if array.dtype == object or array.dtype.kind in "USO":
        raise ValueError(
            f"`{argument}` contains non-numeric values (array dtype {array.dtype}). Convert strings or "
            "categories to numbers first (e.g. `pd.get_dummies`, or `strata.utils.to_categorical` for "
            "integer class labels)."
        )
    if array.dtype == bool:
        array = array.astype(np.float32)
    return array


def _numeric_dtype(dtype: Any) -> bool:
    try:
        return np.dtype(dtype).kind in "biuf"
    except TypeError:
        return str(dtype).lower() in ("boolean", "int8", "int16", "int32", "int64", "uint8", "float32",
                                      "float64", "int64[pyarrow]")


def to_structure(x: Any, argument: str) -> Any:
    """Arrays for ``x`` (a single array-like, or a list/tuple/dict of them)."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: to_numpy(v, f"{argument}[{k!r}]") for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and not _is_scalar_sequence(x):
        return [to_numpy(v, f"{argument}[{i}]") for i, v in enumerate(x)]
    return to_numpy(x, argument)


def _is_scalar_sequence(x: Any) -> bool:
    first = x[0]
    return isinstance(first, (int, float, np.number, list)) and not hasattr(first, "shape")


def leaves(structure: Any) -> list[np.ndarray]:
    return jax.tree_util.tree_leaves(structure)


def num_samples(*structures: Any) -> int:
    """The common first dimension of every array, with a clear error when they differ."""
    sizes = {}
    for name, structure in zip(("x", "y", "sample_weight"), structures):
        for array in leaves(structure):
            sizes.setdefault(name, set()).add(int(array.shape[0]) if array.ndim else 1)
    flat = {size for group in sizes.values() for size in group}
    if len(flat) > 1:
        detail = ", ".join(f"{name}: {sorted(group)}" for name, group in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: the arrays do not all have the same number of samples "
            f"({detail}). Make sure x, y and sample_weight have one entry per sample."
        )
    return flat.pop() if flat else 0


def check_finite(structure: Any, argument: str) -> None:
    """Raise if any floating array holds NaN or infinity, naming the first bad position."""
    for index, array in enumerate(leaves(structure)):
        if array.dtype.kind != "f":
            continue
        finite = np.isfinite(array)
        if finite.all():
            continue
        bad = np.argwhere(~finite)
        count = int(bad.shape[0])
        where = tuple(int(i) for i in bad[0])
        kind = "NaN" if np.isnan(array[where]) else "infinite"
        label = argument if len(leaves(structure)) == 1 else f"{argument}[{index}]"
        raise ValueError(
            f"`{label}` contains {count} NaN or infinite value(s); the first ({kind}) is at index "
            f"{where}. Training on them would make the loss NaN. Fill or drop them first, e.g. "
            "`df = df.fillna(df.median())` or `df.dropna()`."
        )


def train_validation_split(arrays: tuple, validation_split: float) -> tuple[tuple, tuple]:
    """Split every array at ``floor(N * (1 - validation_split))``: train first, validation last."""
    if not 0 < validation_split < 1:
        raise ValueError(
            "`validation_split` must be a float between 0 and 1 (exclusive). "
            f"Received: validation_split={validation_split}"
        )
    total = num_samples(*arrays)
    split_at = int(np.floor(total * (1.0 - validation_split)))
    if split_at == 0 or split_at == total:
        raise ValueError(
            f"Training data contains {total} samples, which is not sufficient to split it into a "
            f"validation and training set as specified by `validation_split={validation_split}`. "
            "Either provide more data, or a different value for the `validation_split` argument."
        )
    train = tuple(jax.tree_util.tree_map(lambda a: a[:split_at], s) for s in arrays)
    valid = tuple(jax.tree_util.tree_map(lambda a: a[split_at:], s) for s in arrays)
    return train, valid


def class_weight_to_sample_weight(y: Any, class_weight: dict) -> np.ndarray:
    """Per-sample weights from a ``{class: weight}`` dict (argmax for one-hot, value otherwise)."""
    targets = leaves(y)
    if len(targets) != 1:
        raise ValueError(
            "`class_weight` is only supported for models with a single output. "
            f"Received targets for {len(targets)} outputs; pass `sample_weight` per output instead."
        )
    target = targets[0]
    if target.ndim == 2 and target.shape[1] > 1:
        classes = np.argmax(target, axis=1)
    else:
        classes = np.reshape(target, (target.shape[0], -1))[:, 0]
    classes = np.round(classes).astype(np.int64)
    return np.array([float(class_weight.get(int(c), 1.0)) for c in classes], dtype=np.float32)


def unpack_validation_data(validation_data: Any) -> tuple[Any, Any, Any]:
    """``(x, y)`` or ``(x, y, sample_weight)`` from ``validation_data``."""
    if isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3):
        x, y = validation_data[0], validation_data[1]
        sample_weight = validation_data[2] if len(validation_data) == 3 else None
        return x, y, sample_weight
    raise ValueError(
        "`validation_data` should be a tuple `(x_val, y_val)` or `(x_val, y_val, val_sample_weights)`. "
        f"Received: validation_data of type {type(validation_data).__name__}"
    )


def cast_inputs(structure: Any, dtypes: list[str]) -> Any:
    """Cast input arrays to the dtypes the model's inputs declare (float64 and ints -> float32)."""
    flat, tree = jax.tree_util.tree_flatten(structure)
    cast = []
    for i, array in enumerate(flat):
        dtype = dtypes[i] if i < len(dtypes) else "float32"
        cast.append(np.asarray(array, dtype=dtype))
    return jax.tree_util.tree_unflatten(tree, cast)


def cast_targets(structure: Any) -> Any:
    """float64 targets become float32 and int64 become int32 (JAX's default widths)."""
    def cast(array: np.ndarray) -> np.ndarray:
        if array.dtype.kind == "f" and array.dtype != np.float32:
            return array.astype(np.float32)
        if array.dtype.kind in "iu" and array.dtype.itemsize > 4:
            return array.astype(np.int32)
        if array.dtype.kind == "u":
            return array.astype(np.int32)
        return array

    return jax.tree_util.tree_map(cast, structure)
