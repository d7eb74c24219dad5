"""The ``.keras`` format: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5`` (§7.1),
then ``assets/<layer path>/...`` files for layers that save assets (lookup vocabularies).

Members are stored uncompressed, in that order, as Keras writes them.  ``zipped=False`` writes the
same three files into a directory.  Reading opens members by name only — nothing is extracted to
disk — and refuses archives whose member names could point outside a folder.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
from typing import Any

from strata.saving import weights_h5
from strata.saving.atomic import atomic_directory, atomic_file
from strata.saving.errors import ModelFileError, file_error, reading_errors

KERAS_VERSION = "3.15.1"
CONFIG_NAME = "config.json"
METADATA_NAME = "metadata.json"
WEIGHTS_NAME = "model.weights.h5"
ASSETS_DIR = "assets"


def _strata_version() -> str:
    try:
        from importlib.metadata import version

        return version("strata")
    except Exception:  # not installed as a distribution (e.g. a source checkout)
        return "unknown"


def metadata_json() -> str:
    """``metadata.json``: the Keras version readers check, the save date, and strata's version."""
    return json.dumps({"keras_version": KERAS_VERSION,
                       "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                       "strata_version": _strata_version()})


def config_json(model: Any) -> str:
    """``config.json``: the model's record in Keras 3's schema."""
    from strata.saving.model_config import serialize_model

    return json.dumps(serialize_model(model))


def weights_bytes(model: Any, include_optimizer: bool = True) -> bytes:
    """The H5 weights store of ``model`` as bytes (built in memory, as Keras builds it)."""
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        weights_h5.write_weights(model, h5file, include_optimizer=include_optimizer)
    return buffer.getvalue()


def save_keras_file(model: Any, filepath: str, zipped: bool = True) -> None:
    """Write ``model`` to ``filepath`` as a ``.keras`` zip (or a directory when ``zipped=False``)."""
    members = [(METADATA_NAME, metadata_json().encode()), (CONFIG_NAME, config_json(model).encode()),
               (WEIGHTS_NAME, weights_bytes(model))] + assets_members(model)
    if zipped:
        with atomic_file(filepath) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, data in members:
                    archive.writestr(name, data)
        return
    with atomic_directory(filepath) as tmp:
        for name, data in members:
            target = os.path.join(tmp, *name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)


# -- assets (lookup vocabularies): ``assets/<layer path>/<file>``, written by ``save_assets(dir)`` ----
def _asset_owners(model: Any) -> list[tuple[str, Any]]:
    """``(path, layer)`` for every layer that saves assets, at its weights-file path."""
    from strata.saving.weights_layout import saveables

    return [(path, obj) for path, obj in saveables(model, include_optimizer=False)
            if callable(getattr(obj, "save_assets", None))]


def _asset_prefix(path: str) -> str:
    return f"{ASSETS_DIR}/{path}/" if path else f"{ASSETS_DIR}/"


def assets_members(model: Any) -> list[tuple[str, bytes]]:
    """The ``assets/...`` members: each owner's ``save_assets`` files, as Keras lays them out."""
    members = []
    for path, obj in _asset_owners(model):
        with tempfile.TemporaryDirectory() as tmp:
            obj.save_assets(tmp)
            for root, _, files in sorted(os.walk(tmp)):
                for file in sorted(files):
                    full = os.path.join(root, file)
                    relative = os.path.relpath(full, tmp).replace(os.sep, "/")
                    with open(full, "rb") as handle:
                        members.append((_asset_prefix(path) + relative, handle.read()))
    return members


def _is_unsafe_member(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or "\\" in name or ".." in parts or ":" in parts[0]
            or "\x00" in name)


class KerasArchive:
    """Read access to the members of a ``.keras`` file (zip or directory), by name only."""

    def __init__(self, filepath: str) -> None:
        self.filepath = filepath
        self._zip: zipfile.ZipFile | None = None
        if os.path.isdir(filepath):
            if not os.path.isfile(os.path.join(filepath, CONFIG_NAME)):
                raise file_error(filepath, f"it is a directory without a '{CONFIG_NAME}'; a saved model "
                                           "is a .keras zip file or a directory written with zipped=False.")
            return
        if not os.path.exists(filepath):
            raise ModelFileError(f"File not found: filepath={filepath}. Please ensure the file is an "
                                 "accessible `.keras` zip file.")
        if os.path.getsize(filepath) == 0:
            raise file_error(filepath, "the file is empty (0 bytes); it was probably not written completely.")
        try:
            self._zip = zipfile.ZipFile(filepath, "r")
        except reading_errors() as error:
            raise file_error(filepath, "it is not a valid .keras zip archive (it may be truncated, corrupted, "
                                       "or a file of another format)", error) from error
        self._check_names()

    def _check_names(self) -> None:
        names = [info.filename for info in self._zip.infolist()]
        for name in names:
            if _is_unsafe_member(name):
                self.close()
                raise file_error(self.filepath, f"the archive contains an unsafe member name {name!r} "
                                                "(absolute, or going up with '..'); refusing to read it.")
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            self.close()
            raise file_error(self.filepath, f"the archive holds several members named {duplicated}.")

    def read(self, name: str) -> bytes:
        """The bytes of member ``name`` (a clear error when it is missing or damaged)."""
        try:
            if self._zip is None:
                path = os.path.join(self.filepath, name)
                if not os.path.isfile(path):
                    raise KeyError(name)
                with open(path, "rb") as handle:
                    return handle.read()
            return self._zip.read(name)
        except KeyError as error:
            raise file_error(self.filepath, f"the archive has no '{name}' member; it is not a complete "
                                            "model saved by Keras or strata.") from error
        except reading_errors() as error:
            raise file_error(self.filepath, f"its member '{name}' is damaged", error) from error

    def config(self) -> dict:
        """``config.json`` parsed, checked to be a model record."""
        try:
            config = json.loads(self.read(CONFIG_NAME).decode("utf-8"))
        except ModelFileError:
            raise
        except reading_errors() as error:
            raise file_error(self.filepath, f"its '{CONFIG_NAME}' is not valid JSON", error) from error
        if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
            raise file_error(self.filepath, f"its '{CONFIG_NAME}' does not describe a model (expected an "
                                            "object with 'class_name' and 'config').")
        return config

    def load_weights_into(self, model: Any, skip_mismatch: bool = False) -> None:
        """Assign the archive's ``model.weights.h5`` to ``model``."""
        data = self.read(WEIGHTS_NAME)
        read_h5_weights(model, io.BytesIO(data), source=self.filepath, skip_mismatch=skip_mismatch)

    def member_names(self) -> list[str]:
        """Every file member, by its archive name (``/``-separated)."""
        if self._zip is not None:
            return [n for n in self._zip.namelist() if not n.endswith("/")]
        names = []
        for root, _, files in os.walk(self.filepath):
            for file in files:
                names.append(os.path.relpath(os.path.join(root, file), self.filepath).replace(os.sep, "/"))
        return names

    def load_assets_into(self, model: Any) -> None:
        """Hand each asset-owning layer its ``assets/<path>/`` files through ``load_assets(dir)``."""
        owners = _asset_owners(model)
        names = self.member_names() if owners else []
        for path, obj in owners:
            prefix = _asset_prefix(path)
            mine = [n for n in names if n.startswith(prefix)]
            if not mine or not callable(getattr(obj, "load_assets", None)):
                continue
            with tempfile.TemporaryDirectory() as tmp:
                for name in mine:
                    target = os.path.join(tmp, *name[len(prefix):].split("/"))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as handle:
                        handle.write(self.read(name))
                obj.load_assets(tmp)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> "KerasArchive":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def read_h5_weights(model: Any, file: Any, source: Any, skip_mismatch: bool = False) -> None:
    """Open ``file`` (a path or a binary buffer) as a Keras weights store and load it into ``model``."""
    import h5py

    try:
        h5file = h5py.File(file, "r")
    except reading_errors() as error:
        raise file_error(source, "the weights are not a readable HDF5 file (truncated, corrupted, or "
                                 "another format)", error) from error
    try:
        with h5file:
            if "vars" not in h5file and "layers" not in h5file:
                hint = (" It looks like a legacy Keras .h5 file: give it a `.h5` name to load it."
                        if "model_weights" in h5file or "layer_names" in h5file.attrs else "")
                raise file_error(source, "it is an HDF5 file but not a Keras 3 weights store (no '/vars' "
                                         f"or '/layers' group).{hint}")
            weights_h5.read_weights(model, h5file, source, skip_mismatch=skip_mismatch)
    except ModelFileError:
        raise
    except reading_errors() as error:
        raise file_error(source, "the weights could not be read", error) from error


def load_keras_file(filepath: str, custom_objects: dict | None = None, compile: bool = True,
                    safe_mode: bool = True) -> Any:
    """Rebuild, compile (optionally) and fill a model from a ``.keras`` file or directory."""
    from strata.saving.model_config import model_from_config

    with KerasArchive(filepath) as archive:
        config = archive.config()
        try:
            model = model_from_config(config, custom_objects=custom_objects, compile=compile,
                                      safe_mode=safe_mode)
        except ModelFileError:
            raise
        except Exception as error:  # any failure to rebuild is reported against the file
            raise file_error(filepath, f"its '{CONFIG_NAME}' cannot be turned into a model: {error}") from error
        archive.load_weights_into(model)
        archive.load_assets_into(model)
    return model
