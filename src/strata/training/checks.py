"""Checks that run before the first compiled step, so user mistakes never surface as XLA errors.

Each check names what was received and how to fix it (DESIGN.md, "Errors").
"""

from __future__ import annotations

from typing import Any

import numpy as np

_CATEGORICAL = {"categorical_crossentropy", "CategoricalCrossentropy", "categorical_focal_crossentropy",
                "CategoricalFocalCrossentropy"}
_SPARSE = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}
# Built-in losses that compare ``y`` with the output element by element.  Binary cross-entropy (like
# Keras's backend op) needs equal shapes; the others broadcast, as Keras does (a ``(n, 1)`` target
# against ``(n, k)`` outputs trains there, so it trains here).
_BINARY = {"binary_crossentropy", "BinaryCrossentropy", "binary_focal_crossentropy", "BinaryFocalCrossentropy"}
_ELEMENTWISE = {
    "mse", "mean_squared_error", "MeanSquaredError", "mae", "mean_absolute_error", "MeanAbsoluteError",
    "mape", "mean_absolute_percentage_error", "MeanAbsolutePercentageError", "msle",
    "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "huber", "Huber", "log_cosh", "logcosh",
    "LogCosh", "hinge", "Hinge", "squared_hinge", "SquaredHinge", "categorical_hinge", "CategoricalHinge",
    "kl_divergence", "kld", "KLDivergence", "poisson", "Poisson", "cosine_similarity", "CosineSimilarity"}


def _loss_kind(identifier: Any) -> tuple[str | None, str]:
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(identifier, "__name__", None) or type(identifier).__name__
    if name in _CATEGORICAL:
        return "categorical", name if isinstance(identifier, str) else name
    if name in _SPARSE:
        return "sparse", name
    if name in _BINARY:
        return "binary", name
    if name in _ELEMENTWISE:
        return "elementwise", name
    return None, name


def check_input_features(model: Any, x_arrays: list[np.ndarray]) -> None:
    """The feature dimensions of ``x`` must match the model's declared inputs."""
    from strata.training import host_stage

    expected = [shape for shape, _ in host_stage.input_specs(model)]  # after string layers, if any
    if not expected or len(expected) != len(x_arrays):
        return
    for index, (shape, array) in enumerate(zip(expected, x_arrays)):
        received = (None,) + tuple(array.shape[1:])
        if len(shape) != len(received) or any(e is not None and e != r for e, r in zip(shape[1:], received[1:])):
            label = "x" if len(expected) == 1 else f"x[{index}]"
            if len(received) > len(shape):
                raise ValueError(
                    f"Input `{label}` has shape {tuple(array.shape)} ({received[1:]} per sample), but model "
                    f"'{model.name}' expects inputs of shape {shape}: each sample has more axes than the "
                    f"model's input. Flatten the samples first, `{label} = {label}.reshape(len({label}), -1)` "
                    f"(giving {int(np.prod(array.shape[1:]))} features), or start the model with "
                    f"`Input(shape={received[1:]})` followed by a `Flatten()` layer."
                )
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
            if not one_hot and units == 1:
                raise ValueError(
                    f"Loss '{name}' with a single output unit (output shape {tuple(out_shape)}) is always 0, "
                    f"so the model would not learn (`y` has shape {tuple(y.shape)}). For a yes/no target use "
                    "loss='binary_crossentropy' with `Dense(1, activation='sigmoid')`; for k classes use "
                    "`Dense(k, activation='softmax')` with loss='sparse_categorical_crossentropy'."
                )
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
        elif kind in ("binary", "elementwise"):
            _check_elementwise(name, kind == "binary", y, out_shape)
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


def _squeeze_or_expand(y_shape: tuple, out_shape: tuple) -> tuple[tuple, tuple]:
    """Per-sample shapes after Keras's rule: drop a trailing 1 when the ranks differ by one."""
    if len(y_shape) == len(out_shape) + 1 and y_shape[-1] == 1:
        return y_shape[:-1], out_shape
    if len(out_shape) == len(y_shape) + 1 and out_shape[-1] == 1:
        return y_shape, out_shape[:-1]
    return y_shape, out_shape


def _check_elementwise(name: str, strict: bool, y: np.ndarray, out_shape: tuple) -> None:
    """``y`` must have the output's shape (binary cross-entropy) or broadcast against it (others)."""
    y_sample, out_sample = _squeeze_or_expand(tuple(y.shape[1:]), tuple(out_shape[1:]))
    fits = len(y_sample) == len(out_sample) and all(
        o is None or t == o or (not strict and 1 in (t, o)) for t, o in zip(y_sample, out_sample))
    if fits:
        return
    units = out_shape[-1] if len(out_shape) > 1 else 1
    per_sample = int(np.prod(y.shape[1:])) if y.ndim > 1 else 1
    integer_labels = per_sample == 1 and y.size and np.all(np.equal(np.mod(y, 1), 0)) and np.min(y) >= 0
    classes = max(int(np.max(y)) + 1, units) if integer_labels else units
    received = f"`y` has shape {tuple(y.shape)} and the model's output has shape {tuple(out_shape)}"
    if strict and per_sample == 1:
        raise ValueError(
            f"Loss '{name}' (binary cross-entropy) wants one sigmoid unit per label, with labels of the "
            f"output's shape, but {received}. For a yes/no target use a last layer "
            "`Dense(1, activation='sigmoid')`. For integer class labels with "
            f"{classes} classes use loss='sparse_categorical_crossentropy' with "
            f"`Dense({classes}, activation='softmax')`."
        )
    if strict:
        raise ValueError(
            f"Loss '{name}' (binary cross-entropy) needs labels of the same shape as the output, but "
            f"{received}. For {per_sample} independent yes/no labels use "
            f"`Dense({per_sample}, activation='sigmoid')`; for one-hot labels of {per_sample} classes use "
            f"`Dense({per_sample}, activation='softmax')` with loss='categorical_crossentropy'."
        )
    if per_sample == 1:
        raise ValueError(
            f"Loss '{name}' compares `y` with the output element by element, but {received}: one target "
            f"per sample against {units} outputs per sample. For one target use a last layer with 1 unit "
            f"(`Dense(1)`); for integer class labels with {classes} classes use "
            "loss='sparse_categorical_crossentropy'."
        )
    raise ValueError(
        f"Loss '{name}' compares `y` with the output element by element, but {received} ({per_sample} "
        f"target values per sample against {units} outputs). Make the last layer `Dense({y.shape[-1]})`, "
        "or check how the labels are encoded."
    )
