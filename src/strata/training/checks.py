"""Checks that run before the first compiled step, so user mistakes never surface as XLA errors.

Each check names what was received and how to fix it (DESIGN.md, "Errors").
"""

from __future__ import annotations

from typing import Any

import numpy as np

_CATEGORICAL = {"categorical_crossentropy", "CategoricalCrossentropy", "categorical_focal_crossentropy",
                "CategoricalFocalCrossentropy"}
_SPARSE = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}


def _loss_kind(identifier: Any) -> tuple[str | None, str]:
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(identifier, "__name__", None) or type(identifier).__name__
    if name in _CATEGORICAL:
        return "categorical", name if isinstance(identifier, str) else name
    if name in _SPARSE:
        return "sparse", name
    return None, name


def check_input_features(model: Any, x_arrays: list[np.ndarray]) -> None:
    """The feature dimensions of ``x`` must match the model's declared inputs."""
    expected = [tuple(t.shape) for t in getattr(model, "inputs", []) or []]
    if not expected or len(expected) != len(x_arrays):
        return
    for index, (shape, array) in enumerate(zip(expected, x_arrays)):
        received = (None,) + tuple(array.shape[1:])
        if len(shape) != len(received) or any(e is not None and e != r for e, r in zip(shape[1:], received[1:])):
            label = "x" if len(expected) == 1 else f"x[{index}]"
            raise ValueError(
                f"Input `{label}` has shape {tuple(array.shape)} ({received[1:]} per sample), but model "
                f"'{model.name}' expects inputs of shape {shape}. Check the columns you selected, or "
                f"change the first layer (e.g. `input_dim={array.shape[-1] if array.ndim > 1 else 1}`)."
            )


def check_labels(loss_identifiers: list[Any], y_arrays: list[np.ndarray], output_shapes: list[tuple]) -> None:
    """Labels must fit the loss: one-hot for categorical, integers in range for sparse."""
    for identifier, y, out_shape in zip(loss_identifiers, y_arrays, output_shapes):
        kind, name = _loss_kind(identifier)
        units = out_shape[-1] if out_shape else None
        if kind == "categorical":
            one_hot = y.ndim >= 2 and y.shape[-1] > 1
            if not one_hot:
                raise ValueError(
                    f"Loss '{name}' expects one-hot encoded labels of shape (n, {units}), but `y` has "
                    f"shape {tuple(y.shape)} with class indices. Use "
                    "loss='sparse_categorical_crossentropy' for integer labels, or one-hot encode "
                    f"them: `y = strata.utils.to_categorical(y, {units})`."
                )
            if units is not None and y.shape[-1] != units:
                raise ValueError(
                    f"The labels have {y.shape[-1]} classes (y.shape={tuple(y.shape)}) but the model's "
                    f"output has {units} units (output shape {tuple(out_shape)}). Make the last layer "
                    f"`Dense({y.shape[-1]}, activation='softmax')`, or check the label encoding."
                )
        elif kind == "sparse":
            if y.ndim >= 2 and y.shape[-1] > 1 and (units is None or y.ndim == len(out_shape)):
                raise ValueError(
                    f"Loss '{name}' expects integer class labels of shape (n,) or (n, 1), but `y` has "
                    f"shape {tuple(y.shape)} (it looks one-hot encoded). Use "
                    "loss='categorical_crossentropy', or convert with `y.argmax(axis=-1)`."
                )
            if y.size and units is not None:
                if y.dtype.kind == "f" and not np.all(np.equal(np.mod(y, 1), 0)):
                    raise ValueError(
                        f"Loss '{name}' expects integer class labels, but `y` contains non-integer "
                        f"values such as {float(y.flat[np.argmax(np.mod(y, 1) != 0)])}."
                    )
                low, high = float(np.min(y)), float(np.max(y))
                if low < 0 or high >= units:
                    raise ValueError(
                        f"Labels must be class indices in [0, {units}) for an output of {units} units, "
                        f"but `y` contains {int(high) if high >= units else int(low)}. Use as many output "
                        f"units as classes (Dense({int(high) + 1}) here), or re-encode the labels to "
                        "start at 0."
                    )
