"""Turn what users pass to ``fit``/``evaluate``/``predict`` into arrays, with Keras's semantics.

Accepts NumPy arrays, lists, JAX arrays and pandas DataFrames/Series (single arrays, or lists,
tuples and dicts of them for multi-input/output models).  Dicts are matched to the model's inputs
and outputs by name, never by key order.  DataFrames are converted column by column, so the bool
columns of ``pd.get_dummies`` train.  Reports user mistakes here, before any compiled step runs:
unknown or missing dict keys, non-numeric columns, NaN/inf values, mismatched sample counts.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def _is_pandas(x: Any) -> bool:
    module = type(x).__module__
    return (module == "pandas" or module.startswith("pandas.")) and hasattr(x, "to_numpy")


def to_numpy(x: Any, argument: str) -> np.ndarray:
    """One array-like as a NumPy array, with a clear error for non-numeric data.

    A pandas DataFrame is converted column by column, so the bool columns that ``pd.get_dummies``
    makes (pandas >= 2) and nullable ``Int64``/``Float64``/``boolean`` columns become numbers
    (Keras refuses such a frame as an ``object`` array).  An object array whose items are all numbers
    or bools (``df.values`` of such a frame) is converted the same way.

    Example:
        >>> import pandas as pd
        >>> to_numpy(pd.DataFrame({"w": [1.5, 2.0], "origin_1": [True, False]}), "x").tolist()
        [[1.5, 1.0], [2.0, 0.0]]
    """
    if _is_pandas(x):
        if hasattr(x, "columns"):
            x = _frame_to_numpy(x, argument)
        else:
            series, x = x, _column_to_numpy(x, argument, None)
            if x is None:
                raise ValueError(
                    f"`{argument}` is a pandas Series of dtype {series.dtype}, which is not numeric. "
                    "Encode it first, e.g. with `pd.get_dummies(series)` or "
                    "`series.astype('category').cat.codes`."
                )
    if isinstance(x, jax.Array):
        x = np.asarray(x)
    array = np.asarray(x)
    if array.dtype == object:
        array = _numeric_objects(array)
    is_input = argument == "x" or argument.startswith("x[")
    if is_input and (array.dtype.kind in "US" or (array.dtype == object and array.size and all(
            isinstance(v, (str, bytes)) for v in array.reshape(-1)))):
        raise ValueError(
            f"`{argument}` holds text (array dtype {array.dtype}), but the model has no layer that turns "
            "text into numbers at this input. Start the model with a `TextVectorization` layer adapted to "
            "the training text (e.g. `vectorize = layers.TextVectorization(max_tokens=10000, "
            "output_sequence_length=100); vectorize.adapt(texts)`, then `Input(shape=(1,), dtype='string')` "
            "followed by `vectorize`), or a `StringLookup` for categories; or convert the strings to numbers "
            "before `fit`."
        )
    if array.dtype == object or array.dtype.kind in "USOMm":
        raise ValueError(
            f"`{argument}` contains non-numeric values (array dtype {array.dtype}). Convert strings or "
            "categories to numbers first (e.g. `pd.get_dummies`, or `strata.utils.to_categorical` for "
            "integer class labels)."
        )
    if array.dtype == bool:
        array = array.astype(np.float32)
    return array


def _frame_to_numpy(frame: Any, argument: str) -> np.ndarray:
    if len(frame.columns) and all(isinstance(d, np.dtype) and d.kind in "iuf" for d in frame.dtypes):
        return frame.to_numpy()  # plain numeric frame: one conversion
    columns, bad = [], []
    for index, name in enumerate(frame.columns):
        column = _column_to_numpy(frame.iloc[:, index], argument, name)
        if column is None:
            bad.append((str(name), str(frame.iloc[:, index].dtype)))
        columns.append(column)
    if bad:
        raise ValueError(
            f"`{argument}` has non-numeric columns {[n for n, _ in bad]} (dtypes {[d for _, d in bad]}). "
            "Neural networks need numbers: encode categories first, e.g. `pd.get_dummies(df, "
            "columns=[...])`, or drop those columns."
        )
    if not columns:
        return np.zeros((len(frame), 0), np.float32)
    return np.stack(columns, axis=1) if len(columns) > 1 else columns[0][:, None]


def _column_to_numpy(column: Any, argument: str, name: Any) -> np.ndarray | None:
    """One pandas column (or Series) as numbers, or ``None`` when it is not numeric."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        values = column.to_numpy()
        return values.astype(np.float32) if dtype.kind == "b" else values
    kind = getattr(dtype, "kind", "O")
    numeric_extension = not isinstance(dtype, np.dtype) and kind in "biuf"
    if not numeric_extension:
        if dtype != object:
            return None
        values = _numeric_objects(column.to_numpy())
        return None if values.dtype == object else values
    missing = int(column.isna().sum())
    if missing:
        where = f"column {name!r} of `{argument}`" if name is not None else f"`{argument}`"
        raise ValueError(
            f"{where} (dtype {dtype}) has {missing} missing value(s) (pd.NA). Fill or drop them first, "
            f"e.g. `df[{name!r}] = df[{name!r}].fillna(df[{name!r}].median())` or `df = df.dropna()`."
            if name is not None else
            f"{where} (dtype {dtype}) has {missing} missing value(s) (pd.NA). Fill or drop them first, "
            "e.g. `s = s.fillna(s.median())` or `s = s.dropna()`."
        )
    return column.to_numpy(dtype=np.float32 if kind in "bf" else np.int64)


def _numeric_objects(array: np.ndarray) -> np.ndarray:
    """An object array of Python/NumPy numbers and bools as float32; anything else unchanged."""
    numbers = (bool, int, float, np.bool_, np.integer, np.floating)
    if array.size and all(isinstance(v, numbers) for v in array.flat):
        return array.astype(np.float32)
    return array


def to_structure(x: Any, argument: str, names: list[str] | None = None, kind: str = "output") -> Any:
    """Arrays for ``x`` (a single array-like, or a list/tuple/dict of them).

    With ``names`` (the model's input or output names), a dict becomes a list in that order.
    """
    if x is None:
        return None
    x = by_name(x, names, argument, kind)
    if isinstance(x, dict):
        return {k: to_numpy(v, f"{argument}[{k!r}]") for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and not _is_scalar_sequence(x):
        return [to_numpy(v, f"{argument}[{i}]") for i, v in enumerate(x)]
    return to_numpy(x, argument)


def input_keys(model: Any) -> list[str] | None:
    """The names a dict ``x`` must use: the keys of a dict-structured model input, else input names."""
    struct = getattr(model, "_inputs_struct", None)
    if isinstance(struct, dict):
        return sorted(struct)  # the order of ``model.inputs`` (flattening sorts dict keys)
    names = getattr(model, "input_names", None)
    return list(names) if names else None


_NAME_SOURCE = {"input": "`Input(shape=..., name=...)`, or the keys of a dict passed as `Model(inputs=...)`",
                "output": "the `name=` of each output's last layer, e.g. `Dense(1, name='priority')`, or the keys "
                          "of a dict passed as `Model(outputs=...)`"}


def output_keys(model: Any) -> list[str] | None:
    """The names a dict ``y`` must use: the keys of dict-structured model outputs, else output names."""
    struct = getattr(model, "_outputs_struct", None)
    if isinstance(struct, dict):
        return sorted(struct)  # the order of ``model.outputs``
    names = getattr(model, "output_names", None)
    return list(names) if names else None


def by_name(structure: Any, names: list[str] | None, argument: str, kind: str) -> Any:
    """A dict keyed by the model's input or output names, as a list in the model's order.

    Keras matches dict entries to inputs/outputs by name, never by key order; a missing or unknown
    key is an error here, before any step runs.

    Example:
        >>> by_name({"b": 2, "a": 1}, ["a", "b"], "x", "input")
        [1, 2]
    """
    if not isinstance(structure, dict) or not names:
        return structure
    missing = [name for name in names if name not in structure]
    unknown = [str(key) for key in structure if key not in names]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"no entry for {missing}")
        if unknown:
            problems.append(f"unknown key(s) {unknown}")
        raise ValueError(
            f"`{argument}` is a dict, so its keys must be the model's {kind} names {list(names)}, but it has "
            f"{' and '.join(problems)}. Received keys: {[str(k) for k in structure]}. Use exactly those "
            f"names as keys (they come from {_NAME_SOURCE[kind]})."
        )
    return [structure[name] for name in names]


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
