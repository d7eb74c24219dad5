"""What ``strata inspect`` prints about a saved file: its format, metadata, summary or weights.

The kind of file is decided from its contents, not its name: a zip archive (or a folder with a
``config.json``) is a ``.keras`` model; an HDF5 file with a ``model_config`` attribute is a legacy
full model; one with ``layer_names`` holds legacy weights; one with ``layers``/``vars`` groups is a
Keras 3 ``.weights.h5`` store.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from typing import Any

Print = Callable[[str], None]
KERAS = "keras"
LEGACY_MODEL = "legacy-model"
LEGACY_WEIGHTS = "legacy-weights"
WEIGHTS = "weights"
FORMAT_NAMES = {KERAS: "Keras 3 model archive (.keras)", LEGACY_MODEL: "legacy HDF5 model (.h5)",
                 LEGACY_WEIGHTS: "legacy HDF5 weights (.h5, from save_weights)",
                 WEIGHTS: "Keras 3 weights store (.weights.h5)"}


class InspectError(Exception):
    """A file that ``strata inspect`` or ``strata convert`` cannot use; the message says why."""


def file_kind(path: str) -> str:
    """One of ``KERAS``, ``LEGACY_MODEL``, ``LEGACY_WEIGHTS``, ``WEIGHTS`` (by content)."""
    if not os.path.exists(path):
        raise InspectError(f"{path}: no such file or directory.")
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "config.json")):
            return KERAS
        raise InspectError(f"{path}: a directory without config.json is not a saved model.")
    if zipfile.is_zipfile(path):
        return KERAS
    import h5py

    if not h5py.is_hdf5(path):
        raise InspectError(f"{path}: not a .keras archive or an HDF5 file, so not a saved model or weights file.")
    with h5py.File(path, "r") as f:
        if "model_config" in f.attrs:
            return LEGACY_MODEL
        if "layer_names" in f.attrs or "model_weights" in f:
            return LEGACY_WEIGHTS
        if "layers" in f or "vars" in f:
            return WEIGHTS
    raise InspectError(f"{path}: an HDF5 file, but not one written by Keras or strata.")


def _text(value: Any) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _field(out: Print, label: str, value: Any) -> None:
    out(f"{label + ':':<16}{value}")


def describe(path: str, out: Print) -> None:
    """Print the description of the file at ``path``."""
    kind = file_kind(path)
    _field(out, "File", path)
    _field(out, "Format", FORMAT_NAMES[kind])
    if kind in (WEIGHTS, LEGACY_WEIGHTS):
        _describe_weights(path, kind, out)
        return
    if kind == KERAS:
        from strata.saving import load_model
        from strata.saving.keras_file import KerasArchive

        with KerasArchive(path) as archive:
            metadata = json.loads(archive.read("metadata.json").decode("utf-8"))
            compile_config = archive.config().get("compile_config") or None
        _field(out, "Keras version", metadata.get("keras_version", "unknown"))
        _field(out, "Saved", metadata.get("date_saved", "unknown"))
        model = load_model(path, compile=False)
    else:
        import h5py

        from strata.saving.legacy_h5 import load_legacy_h5

        with h5py.File(path, "r") as f:
            version = _text(f.attrs.get("keras_version", "unknown"))
            backend = _text(f.attrs.get("backend", "unknown"))
            raw = f.attrs.get("training_config")
        compile_config = json.loads(_text(raw)) if raw is not None else None
        _field(out, "Keras version", f"{version} (backend: {backend})")
        _field(out, "Saved", "not recorded in legacy .h5 files")
        model = load_legacy_h5(path, compile=False)
    _describe_model(model, compile_config, out)


def _describe_model(model: Any, compile_config: dict | None, out: Print) -> None:
    trainable = sum(int(_size(v)) for v in model.trainable_weights)
    non_trainable = sum(int(_size(v)) for v in model.non_trainable_weights)
    _field(out, "Model", f'"{model.name}" ({type(model).__name__})')
    _field(out, "Layers", len(model.layers))
    _field(out, "Parameters", f"{trainable + non_trainable:,} ({trainable:,} trainable, "
                              f"{non_trainable:,} non-trainable)")
    _field(out, "Compiled with", _compile_text(compile_config))
    out("")
    lines: list[str] = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.append(text.rstrip("\n")))
    out("\n".join(lines))


def _size(variable: Any) -> int:
    count = 1
    for dim in variable.shape:
        count *= int(dim)
    return count


def _compile_text(config: dict | None) -> str:
    """``optimizer=Adam(learning_rate=0.001), loss=..., metrics=...`` from either config layout."""
    if not config:
        return "not compiled"
    optimizer = config.get("optimizer") or config.get("optimizer_config")
    parts = []
    if isinstance(optimizer, dict):
        name = str(optimizer.get("class_name", "?")).split(">")[-1]
        rate = (optimizer.get("config") or {}).get("learning_rate")
        parts.append(f"optimizer={name}(learning_rate={rate:.6g})" if isinstance(rate, float)
                     else f"optimizer={name}")
    elif optimizer is not None:
        parts.append(f"optimizer={optimizer}")
    for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
        if config.get(key) is not None:
            parts.append(f"{key}={_short(config[key])}")
    return ", ".join(parts)


def _short(value: Any) -> str:
    """Objects written as dicts shown by class name (``MeanMetricWrapper`` by its metric name)."""
    if isinstance(value, dict) and "class_name" in value:
        inner = value.get("config")
        if value["class_name"] in ("MeanMetricWrapper", "function") and inner:
            return repr(inner.get("name") if isinstance(inner, dict) else inner)
        return str(value["class_name"])
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return repr(value)


def _describe_weights(path: str, kind: str, out: Print) -> None:
    import h5py

    rows: list[tuple[str, tuple, str]] = []
    with h5py.File(path, "r") as f:
        if kind == LEGACY_WEIGHTS:
            group = f if "layer_names" in f.attrs else f["model_weights"]
            _field(out, "Keras version", _text(group.attrs.get("keras_version", "unknown")))
        f.visititems(lambda name, obj: rows.append((name, tuple(obj.shape), str(obj.dtype)))
                     if isinstance(obj, h5py.Dataset) else None)
    total = 0
    for _, shape, _ in rows:
        size = 1
        for dim in shape:
            size *= dim
        total += size
    _field(out, "Weights", f"{len(rows)} arrays, {total:,} values")
    out("")
    width = max([len(name) for name, _, _ in rows] + [4])
    out(f"{'Path':<{width}}  {'Shape':<14}Dtype")
    for name, shape, dtype in rows:
        out(f"{name:<{width}}  {str(shape):<14}{dtype}")
