"""``save_model``, ``load_model``, ``save_weights``, ``load_weights``: dispatch on the file name.

* ``.keras`` (zip, or a directory with ``zipped=False``): the Keras 3 format (:mod:`keras_file`).
* ``.weights.h5``: the Keras 3 weights store (:mod:`weights_h5`).
* ``.h5`` / ``.hdf5``: the legacy tf.keras format, in :mod:`strata.saving.legacy_h5`.
* no suffix (tf.keras 2's SavedModel habit): the unzipped ``.keras`` layout in a folder, with a warning.
"""

from __future__ import annotations

import logging
import os
import warnings
from typing import Any

from strata.saving import keras_file
from strata.saving.atomic import atomic_file

_LEGACY_SUFFIXES = (".h5", ".hdf5")


def _path(filepath: Any, argument: str = "filepath") -> str:
    try:
        return os.fspath(filepath)
    except TypeError as error:
        raise TypeError(f"`{argument}` must be a string or path. Received: {argument}={filepath!r}") from error


def _legacy() -> Any:
    try:
        from strata.saving import legacy_h5
    except ImportError as error:
        if error.name not in ("strata.saving.legacy_h5", None):
            raise
        raise NotImplementedError(
            "Legacy `.h5` / `.hdf5` model files are not supported by this strata build yet. Save with "
            "`model.save('model.keras')` or `model.save_weights('model.weights.h5')` instead."
        ) from error
    return legacy_h5


def _proceed_with_overwrite(filepath: str) -> bool:
    """Keras's prompt before replacing a file when ``overwrite=False``."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _check_built(model: Any, action: str) -> None:
    if not model.built:
        raise ValueError(
            f"You are {action} a model that has not yet been built. Try building the model first by "
            "calling it on some data or by using `build()`."
        )


def save_model(model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None,
               **kwargs: Any) -> None:
    """Save ``model`` (architecture, weights, compile arguments and optimizer state).

    Args:
        model: the model to save.
        filepath: ends in ``.keras`` (Keras 3 zip) or ``.h5``/``.hdf5`` (legacy format); a name
            without a suffix (tf.keras 2's SavedModel habit) becomes a folder in the unzipped
            ``.keras`` layout, with a ``UserWarning`` saying so.
        overwrite: replace an existing file without asking.
        zipped: ``False`` writes the ``.keras`` members into a directory.
        **kwargs: ``include_optimizer`` (legacy ``.h5`` only) and the deprecated ``save_format``.
    """
    filepath = _path(filepath)
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    if _is_suffixless_save(filepath, zipped, save_format):
        zipped, save_format = False, False
        warnings.warn(_SUFFIXLESS_SAVE.format(path=filepath), UserWarning, stacklevel=3)
    if save_format:
        if filepath.endswith(_LEGACY_SUFFIXES + (".keras",)):
            logging.getLogger("strata").warning(
                "The `save_format` argument is deprecated in Keras 3. We recommend removing this argument "
                f"as it can be inferred from the file path. Received: save_format={save_format}")
        else:
            raise ValueError(
                "The `save_format` argument is deprecated in Keras 3. Please remove this argument and "
                f"pass a file path with either `.keras` or `.h5` extension.Received: save_format={save_format}"
            )
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    if zipped is None:
        zipped = True
    legacy = zipped and not filepath.endswith(".keras") and filepath.endswith(_LEGACY_SUFFIXES)
    if zipped and not filepath.endswith(".keras") and not legacy:
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for the "
            "native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if you "
            f"want to export a SavedModel for use with TFLite/TFServing/etc. Received: filepath={filepath}."
        )
    if os.path.exists(filepath) and not overwrite and not _proceed_with_overwrite(filepath):
        return
    model._sync_training_state()
    if legacy:
        _legacy().save_legacy_h5(model, filepath, include_optimizer=include_optimizer)
        return
    keras_file.save_keras_file(model, filepath, zipped=zipped)


# tf.keras 2 course code saves a TensorFlow SavedModel with ``model.save("my_keras_model")`` (no suffix).
# Keras 3 refuses that name; strata writes Keras 3's unzipped ``.keras`` layout into the folder instead,
# so the course's ``load_model("my_keras_model")`` works, and says so once as a ``UserWarning`` (shown in
# notebooks and scripts, silenced with the ``warnings`` module, and pinned by tests).
_SUFFIXLESS_SAVE = (
    "'{path}' has no file suffix, so strata saved the model as a folder in Keras 3's unzipped `.keras` layout "
    "(config.json, metadata.json, model.weights.h5), not as a TensorFlow SavedModel. "
    "`load_model('{path}')` reads it back; save to '{path}.keras' for the single-file format.")
_SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")


def _is_suffixless_save(filepath: str, zipped: bool | None, save_format: Any) -> bool:
    """A tf.keras 2 style SavedModel save: no suffix, ``zipped`` unset, no format other than "tf"."""
    has_suffix = os.path.splitext(os.path.basename(filepath.rstrip("/\\")))[1] != ""
    return not has_suffix and zipped is None and save_format in (False, None, "tf")


def _check_not_saved_model(filepath: str) -> None:
    """Refuse a tf.keras 2 SavedModel folder with the one step that converts it."""
    if not any(os.path.isfile(os.path.join(filepath, name)) for name in _SAVED_MODEL_FILES):
        return
    from strata.saving.errors import ModelFileError

    stem = filepath.rstrip("/\\")
    raise ModelFileError(
        f"Cannot load '{filepath}': it is a TensorFlow SavedModel folder (it has saved_model.pb), written by "
        f"tf.keras 2 as `model.save('{stem}')`. Its layers and weights are stored as TensorFlow graph "
        "objects, which cannot be read reliably without TensorFlow. Convert it once where TensorFlow 2 "
        f"with tf.keras 2 is installed: `tf.keras.models.load_model('{stem}').save('{stem}.h5')`, then "
        f"load that file with `load_model('{stem}.h5')`."
    )


def load_model(filepath: Any, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Load a model saved with ``model.save()`` (by strata or by Keras).

    Args:
        filepath: a ``.keras`` file (or directory), or a legacy ``.h5``/``.hdf5`` file.
        custom_objects: user classes/functions by name that are not registered.
        compile: compile the model with the saved ``compile()`` arguments and optimizer state.
        safe_mode: refuse to load Python bytecode (``Lambda`` layers made from a ``lambda``).

    Raises:
        ModelFileError: the file is missing, truncated, corrupt, of another kind, or names a
            class that is neither built in nor registered.
    """
    filepath = _path(filepath)
    if os.path.isdir(filepath):
        _check_not_saved_model(filepath)
    is_keras_dir = os.path.isdir(filepath) and os.path.isfile(os.path.join(filepath, keras_file.CONFIG_NAME))
    if filepath.endswith(".keras") or is_keras_dir:
        return keras_file.load_keras_file(filepath, custom_objects=custom_objects, compile=compile,
                                          safe_mode=safe_mode)
    if filepath.endswith(".weights.h5"):
        raise ValueError(
            f"'{filepath}' holds only weights, not a model. Build the model (same architecture) and call "
            "`model.load_weights(filepath)` instead of `load_model`."
        )
    if filepath.endswith(_LEGACY_SUFFIXES):
        return _legacy().load_legacy_h5(filepath, custom_objects=custom_objects, compile=compile,
                                        safe_mode=safe_mode)
    raise ValueError(
        f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` files and "
        "legacy H5 format files (`.h5` extension)."
    )


def save_weights(model: Any, filepath: Any, overwrite: bool = True, max_shard_size: Any = None) -> None:
    """Save the weights (and the optimizer state, once built) to a ``.weights.h5`` file (§7.2)."""
    filepath = _path(filepath)
    _check_built(model, "saving")
    if max_shard_size is not None:
        raise ValueError(
            "strata does not write sharded weights (`max_shard_size`) yet. Save to one `.weights.h5` "
            f"file instead. Received: max_shard_size={max_shard_size}"
        )
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    if os.path.exists(filepath) and not overwrite and not _proceed_with_overwrite(filepath):
        return
    model._sync_training_state()
    write_weights_file(model, filepath)


def write_weights_file(model: Any, filepath: str) -> None:
    """Write the weights store to ``filepath`` atomically (the old file survives a failed write)."""
    import h5py

    from strata.saving import weights_h5

    with atomic_file(filepath) as tmp:
        with h5py.File(tmp, "w") as h5file:
            weights_h5.write_weights(model, h5file)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
    """Load weights from ``.weights.h5``, ``.keras`` or legacy ``.h5``/``.hdf5`` files.

    Args:
        model: a built model with the saved architecture.
        filepath: the file; its name decides the format.
        skip_mismatch: leave layers whose variables do not fit unchanged (with a warning)
            instead of raising.
        **kwargs: ``by_name`` (legacy ``.h5`` only).
    """
    filepath = _path(filepath)
    by_name = kwargs.pop("by_name", None)
    kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    is_legacy = filepath.endswith(_LEGACY_SUFFIXES) and not filepath.endswith(".weights.h5")
    if by_name is not None and not is_legacy:
        raise ValueError(f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {filepath}")
    if not (filepath.endswith((".keras", ".weights.h5", ".weights.json")) or is_legacy):
        raise ValueError(
            f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` files, "
            "`.weights.h5` files, legacy H5 format files (`.h5` extension), or Orbax checkpoints."
        )
    _check_built(model, "loading weights into")
    model._sync_training_state()
    if filepath.endswith(".weights.json"):
        raise ValueError(f"strata does not read sharded weights (`.weights.json`) yet. Received: filepath={filepath}")
    if is_legacy:
        _legacy().load_weights_legacy_h5(model, filepath, by_name=bool(by_name), skip_mismatch=skip_mismatch)
    elif filepath.endswith(".keras"):
        with keras_file.KerasArchive(filepath) as archive:
            archive.load_weights_into(model, skip_mismatch=skip_mismatch)
    else:
        _check_readable_file(filepath)
        keras_file.read_h5_weights(model, filepath, source=filepath, skip_mismatch=skip_mismatch)


def _check_readable_file(filepath: str) -> None:
    from strata.saving.errors import ModelFileError, file_error

    if not os.path.exists(filepath):
        raise ModelFileError(f"File not found: filepath={filepath}.")
    if os.path.isdir(filepath):
        raise file_error(filepath, "it is a directory, not a weights file.")
    if os.path.getsize(filepath) == 0:
        raise file_error(filepath, "the file is empty (0 bytes); it was probably not written completely.")
