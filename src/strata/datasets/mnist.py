"""MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 grey pixels."""

from __future__ import annotations

import os
import zipfile

import numpy as np

from strata.datasets import _idx, _local
from strata.datasets._download import DownloadError, get_file

# The file Keras downloads, and its published sha256.
_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
# The original idx files (LeCun et al.) that a local folder may hold instead, with their sha256.
_IDX_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
_IDX_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
_SUBDIR = "mnist"
_KEYS = ("x_train", "y_train", "x_test", "y_test")


def _read_npz(path: str | os.PathLike):
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [key for key in _KEYS if key not in f.files]
            if missing:
                raise ValueError(f"it has no array named {', '.join(missing)}")
            x_train, y_train, x_test, y_test = (f[key] for key in _KEYS)
    except (OSError, EOFError, zipfile.BadZipFile, ValueError) as e:
        raise ValueError(
            f"{os.fspath(path)} is not a valid MNIST .npz file ({e}). Delete it and load again."
        ) from e
    return (x_train, y_train), (x_test, y_test)


def _load_local(folder, source: str, npz_name: str):
    names = list(_IDX_FILES.values())
    if all((folder / name).is_file() for name in names) or not (folder / npz_name).is_file():
        paths = _local.require_files(folder, source, names, alternative=npz_name)
        for path in paths:
            _local.verify(path, _IDX_SHA256[path.name])
        return _idx.load_split(dict(zip(_IDX_FILES, paths)))
    # A local .npz is read as it is: copies re-packed with numpy hold Keras's arrays, but not
    # Keras's bytes, so its published file hash cannot apply.
    return _read_npz(folder / npz_name)


def load_data(path: str = "mnist.npz", data_dir: str | os.PathLike | None = None):
    """Loads the MNIST dataset of handwritten digits, as `keras.datasets.mnist.load_data`.

    Where the data come from, first match wins:

    1. `data_dir`, a local folder holding the four original idx files
       (``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
       ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``), either directly or in a
       ``mnist/`` sub-folder; each is checked against its published sha256. Without them, a
       Keras-layout ``.npz`` file named `path` in that folder is read instead.
    2. The ``STRATA_DATASETS_DIR`` environment variable, read the same way through its
       ``mnist/`` sub-folder (skipped when that sub-folder does not exist).
    3. The download cache: Keras's ``mnist.npz`` is downloaded once into
       ``~/.strata/datasets/`` (``$STRATA_HOME`` replaces ``~/.strata``) and verified with
       Keras's sha256.

    Args:
        path: Name of the ``.npz`` file in the cache (and in a local folder).
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(60000, 28, 28)`` and
        ``(10000, 28, 28)`` with values 0-255, and uint8 digit labels ``(60000,)`` and
        ``(10000,)`` with values 0-9.

    Raises:
        FileNotFoundError: The local folder lacks the files.
        ValueError: A file is corrupt or does not match its published hash.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (60000, 28, 28)
    """
    local = _local.local_folder(data_dir, _SUBDIR)
    if local is not None:
        return _load_local(*local, npz_name=path)
    try:
        cached = get_file(path, origin=_ORIGIN + "mnist.npz", file_hash=_NPZ_SHA256)
    except DownloadError as e:
        raise DownloadError(
            f"{e}\nTo load MNIST without the network, pass data_dir= a folder holding "
            f"{', '.join(_IDX_FILES.values())} (or {path}), or set "
            f"{_local.DATASETS_ENV_VAR} to a folder with those files in '{_SUBDIR}/'."
        ) from e
    return _read_npz(cached)
