"""Reading the pickled parts of dataset files without letting them run code.

Two dataset formats need pickle: the IMDB and Reuters ``.npz`` files store their ragged word
sequences as NumPy object arrays (which ``.npy`` can only hold as a pickle stream), and the
CIFAR batch files are pickled Python dicts. A pickle stream may name any importable callable
(``os.system``, say) and have the loader call it, so ``pickle.load`` on a downloaded file is
unsafe. The unpickler here resolves only the three names that rebuilding a NumPy array needs;
everything else a stream can build without names (dicts, lists, tuples, str, bytes, ints,
floats) is plain data. Anything else is refused with an error naming the culprit.
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np

try:  # NumPy 2 moved the array internals to numpy._core
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover - NumPy 1.x
    from numpy.core import multiarray as _multiarray

# (module, name) -> object. Files written by NumPy 1 name numpy.core, by NumPy 2 numpy._core;
# both are answered directly so that loading never touches the deprecated numpy.core alias.
_ALLOWED = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _multiarray._reconstruct,
}


class RefusedObjectError(pickle.UnpicklingError):
    """A dataset file's pickle named an object that dataset files never hold."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that builds plain data and NumPy arrays, and refuses every other object."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise RefusedObjectError(
                f"Refusing to load `{module}.{name}` from a dataset file: dataset files hold "
                "only lists, dicts, strings, numbers and NumPy arrays, so this one is corrupt "
                "or malicious. Delete it and download it again."
            ) from None


def restricted_load(stream, encoding: str = "ASCII"):
    """Unpickles `stream` with `RestrictedUnpickler` (`encoding` as for `pickle.load`)."""
    return RestrictedUnpickler(stream, encoding=encoding).load()


def _read_npy(stream: io.BytesIO) -> np.ndarray:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    else:  # 2.0 and 3.0 share the header layout; 3.0 only allows utf-8 in it
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    if not dtype.hasobject:
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    array = restricted_load(stream)
    if not isinstance(array, np.ndarray) or array.shape != shape:
        raise ValueError(
            f"its object array should have shape {shape}, but the pickle holds "
            f"{type(array).__name__} {getattr(array, 'shape', '')}"
        )
    return array


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """All arrays of a ``.npz`` file, object arrays included, read without unsafe unpickling.

    Raises:
        ValueError: The file is not a readable ``.npz`` archive.
        RefusedObjectError: An object array names something other than NumPy's array parts.
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    stream = io.BytesIO(archive.read(member))
                    arrays[member[: -len(".npy")]] = _read_npy(stream)
    except (OSError, EOFError, zipfile.BadZipFile, ValueError) as e:
        raise ValueError(
            f"{os.fspath(path)} is not a valid .npz file ({e}). Delete it and load again."
        ) from e
    return arrays


def require_arrays(arrays: dict, keys: tuple[str, ...], path: str | os.PathLike, what: str):
    """The arrays named `keys`, or a ValueError naming the ones `path` lacks."""
    missing = [key for key in keys if key not in arrays]
    if missing:
        raise ValueError(
            f"{os.fspath(path)} is not a valid {what} .npz file: it has no array named "
            f"{', '.join(missing)} (it holds {', '.join(sorted(arrays)) or 'nothing'}). "
            "Delete it and load again."
        )
    return tuple(arrays[key] for key in keys)
