"""Legacy full-model HDF5 files (``model.save("m.h5")``), as Keras 3 and tf.keras 2.x write them.

A file holds root attributes ``backend``, ``keras_version``, ``model_config`` (JSON, legacy layout)
and, for compiled models, ``training_config``; a ``model_weights`` group (see
:mod:`strata.saving.legacy_h5_weights`); and an ``optimizer_weights`` group.  strata writes exactly
what Keras 3 writes, and reads files from Keras 3 and from tf.keras 2.x.

Only ``Sequential`` and functional models fit this format (a subclassed model has no layer graph to
store), so both directions refuse subclassed models and point to ``.keras``.  A damaged file gives
a ``ModelFileError`` that names the file and the part that is wrong, never a raw h5py error.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from strata.saving import errors, legacy_config, legacy_h5_weights, legacy_training
from strata.saving.atomic import atomic_file

KERAS_VERSION = "3.15.1"  # the Keras release whose file layout strata writes
_LEGACY_WARNING = (
    "Saving a model to the HDF5 (`.h5`) format. This file format is considered legacy: prefer "
    "the native Keras format, e.g. `model.save('my_model.keras')`."
)
logger = logging.getLogger("strata")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "get_config"):
        return {"class_name": type(value).__name__, "config": value.get_config()}
    raise TypeError(f"Cannot serialize {value!r} (of type {type(value).__name__}) to JSON.")


def _check_path(filepath: Any, argument: str = "filepath") -> str:
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(
            f"`{argument}` must be a path (str or os.PathLike). Received: {argument}={filepath!r}"
        )
    return os.fspath(filepath)


def _native_name(path: str) -> str:
    """``"dir/model.h5"`` -> ``"dir/model.keras"``: the file name suggested in error messages."""
    stem, suffix = os.path.splitext(path)
    return (stem if suffix in (".h5", ".hdf5") else path) + ".keras"


def _subclassed_error(path: str, class_name: str, saving: bool) -> errors.ModelFileError:
    action = f"Cannot save to the legacy HDF5 file '{path}'" if saving else f"Cannot load '{path}'"
    fix = (f"Save it in the native format instead: `model.save('{_native_name(path)}')` (or save the weights "
           "alone with `model.save_weights(...)` to a `.weights.h5` file)." if saving else
           f"Re-save the model from the code that defines it with `model.save('{_native_name(path)}')` "
           "and load that file instead.")
    return errors.ModelFileError(
        f"{action}: the model is a subclassed model (class '{class_name}'). Legacy .h5 files store a model "
        "as a graph of layers, which a subclassed model does not have, so its weights could not be "
        f"restored from the file. {fix}"
    )


def _is_graph_model(model: Any) -> bool:
    from strata.models import Functional, Sequential

    return isinstance(model, (Sequential, Functional))


def save_legacy_h5(model: Any, filepath: Any, overwrite: bool = True, include_optimizer: bool = True) -> None:
    """Save the whole model to a legacy ``.h5`` file, in the layout Keras 3 writes.

    Args:
        model: a ``Sequential`` or functional model.
        filepath: the destination path (``.h5`` or ``.hdf5``).
        overwrite: whether to replace an existing file; if False, an existing file raises
            ``FileExistsError``.
        include_optimizer: whether to store the training config and the optimizer's variables.

    Raises:
        ModelFileError: ``model`` is a subclassed model (save it to ``.keras`` instead).
    """
    import h5py

    path = _check_path(filepath)
    if not _is_graph_model(model):
        raise _subclassed_error(path, type(model).__name__, saving=True)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"The file {path} already exists. Pass `overwrite=True` to replace it. Received: overwrite=False"
        )
    warnings.warn(_LEGACY_WARNING, UserWarning, stacklevel=2)
    sync = getattr(model, "_sync_training_state", None)
    if sync is not None:
        sync()
    metadata: dict[str, Any] = {"keras_version": KERAS_VERSION, "backend": "jax",
                                "model_config": legacy_config.legacy_model_config(model)}
    training = legacy_training.training_config(model) if include_optimizer else None
    if training is not None:
        metadata["training_config"] = training
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with atomic_file(path) as tmp, h5py.File(tmp, mode="w") as f:
        for key, value in metadata.items():
            if isinstance(value, dict):
                f.attrs[key] = json.dumps(value, default=_json_default).encode("utf8")
            else:
                f.attrs[key] = value
        legacy_h5_weights.write_model_weights(f.create_group("model_weights"), model, KERAS_VERSION)
        if include_optimizer and getattr(model, "optimizer", None) is not None:
            legacy_h5_weights.write_optimizer_weights(f, model.optimizer)


def _open(filepath: Any) -> Any:
    import h5py

    path = _check_path(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No file found at {path}. Check the path. Received: filepath={path!r}")
    if os.path.isdir(path):
        raise errors.file_error(path, "it is a directory, not a legacy HDF5 model file.")
    if os.path.getsize(path) == 0:
        raise errors.file_error(path, "the file is empty (0 bytes); it was probably not written completely.")
    try:
        return h5py.File(path, mode="r")
    except OSError as error:
        with open(path, "rb") as handle:
            is_zip = handle.read(4) == b"PK\x03\x04"
        hint = " It looks like a `.keras` zip archive: give it a `.keras` name to load it." if is_zip else ""
        raise errors.file_error(path, "it is not a valid HDF5 file (legacy models are written by "
                                f"`model.save('model.h5')`).{hint}", error) from None


def _text(value: Any) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def model_from_legacy_config(config: Any, custom_objects: dict | None = None, safe_mode: bool = True) -> Any:
    """Build an (uncompiled) model from a legacy config (dict or JSON), e.g. tf.keras 2.x JSON."""
    from strata.saving.model_config import model_from_config

    entry = legacy_config.read_legacy_model_config(config)
    return model_from_config(entry, custom_objects=custom_objects, compile=False, safe_mode=safe_mode)


@contextlib.contextmanager
def _reading(path: str, what: str) -> Iterator[None]:
    """Turn any low-level failure inside the block into a ``ModelFileError`` naming ``path`` and ``what``."""
    try:
        yield
    except errors.ModelFileError:
        raise
    except errors.reading_errors() as error:
        raise errors.file_error(path, what, error) from error


def _model_entry(f: Any, path: str) -> dict:
    """The file's ``model_config`` attribute, converted to Keras 3's schema."""
    with _reading(path, "its root attributes could not be read"):
        raw = f.attrs.get("model_config")
    if raw is None:
        raise errors.file_error(path, "no model config found in the file. It may hold only weights: build "
                                "the model in code and call `model.load_weights(...)`.")
    with _reading(path, "its `model_config` attribute is not a valid model config"):
        return legacy_config.read_legacy_model_config(_text(raw))


def load_legacy_h5(filepath: Any, custom_objects: dict | None = None, compile: bool = True,
                   safe_mode: bool = True) -> Any:
    """Load a model saved to a legacy ``.h5`` file by strata, Keras 3 or tf.keras 2.x.

    Args:
        filepath: the ``.h5`` file.
        custom_objects: a dict mapping names to custom layer, model, loss or metric classes.
        compile: whether to compile the model from the file's training config (and restore the
            optimizer state) when the file has one.
        safe_mode: refuse ``Lambda`` layers whose function is stored as Python bytecode (pass
            False only for files you trust; bytecode loads only in the Python version that wrote it).

    Returns:
        The model, compiled when the file holds a training config and ``compile`` is True.

    Raises:
        ModelFileError: the file is damaged, holds a subclassed model, or its weights do not fit
            the model its config describes; the message names the file and the problem.
    """
    from strata.saving.model_config import model_from_config

    path = _check_path(filepath)
    with _open(path) as f:
        entry = _model_entry(f, path)
        with _reading(path, "its model config cannot be turned into a model"):
            model = model_from_config(entry, custom_objects=custom_objects, compile=False, safe_mode=safe_mode)
        if not _is_graph_model(model):
            raise _subclassed_error(path, type(model).__name__, saving=False)
        with _reading(path, "its `model_weights` group cannot be loaded into the model its config describes"):
            if "model_weights" not in f:
                raise errors.file_error(path, "it has a model config but no `model_weights` group.")
            legacy_h5_weights.load_model_weights(legacy_h5_weights.layer_group(f, "model_weights"), model)
            raw_training = f.attrs.get("training_config")
        if not compile:
            return model
        if raw_training is None:
            logger.warning("No training configuration found in the save file, so the model was *not* "
                           "compiled. Compile it manually.")
            return model
        with _reading(path, "its `training_config` attribute cannot compile the model (pass "
                            "`compile=False` to load the model without it)"):
            training = json.loads(_text(raw_training))
            if not isinstance(training, dict):
                raise ValueError(f"it must be a JSON object. Received: {_text(raw_training)[:80]!r}")
            model.compile(**legacy_training.compile_args(training, model, custom_objects))
        with _reading(path, "its `optimizer_weights` group is damaged"):
            if "optimizer_weights" in f:
                _restore_optimizer(model, *legacy_h5_weights.read_optimizer_weights(f))
    return model


def _restore_optimizer(model: Any, names: list[str], values: list[np.ndarray]) -> None:
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    ordered = legacy_training.optimizer_values(optimizer, names, values)
    shapes_ok = ordered is not None and all(
        tuple(np.shape(v)) == tuple(var.shape) for v, var in zip(ordered, optimizer.variables))
    if not shapes_ok:
        logger.warning("The saved optimizer state does not match the optimizer's variables; the model "
                       "starts with a freshly initialized optimizer.")
        return
    for variable, value in zip(optimizer.variables, ordered):
        variable.assign(np.asarray(value).astype(variable.dtype))


def load_weights_legacy_h5(model: Any, filepath: Any, by_name: bool = False, skip_mismatch: bool = False) -> None:
    """Load weights from a legacy ``.h5`` file (full model or ``save_weights`` output) into ``model``.

    Args:
        model: a built model.
        filepath: the ``.h5`` file, written by strata, Keras 3 or tf.keras 2.x.
        by_name: match layers by name instead of by position; layers not in the file are left
            unchanged.
        skip_mismatch: skip (with a warning) weights whose shape or count does not match.
    """
    path = _check_path(filepath)
    with _open(path) as f, _reading(path, "its weights cannot be loaded into the model"):
        group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f else f
        if "layer_names" not in group.attrs and "layer_names0" not in group.attrs:
            raise errors.file_error(path, "it holds no legacy weights (no `layer_names` attribute). Files "
                                    "ending in `.weights.h5` use the Keras 3 weights layout.")
        if by_name:
            legacy_h5_weights.load_model_weights_by_name(group, model, skip_mismatch=skip_mismatch)
        else:
            legacy_h5_weights.load_model_weights(group, model, skip_mismatch=skip_mismatch)
