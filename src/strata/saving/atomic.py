"""Atomic writes: build the file next to its target, then rename it into place.

A crash (or an exception) in the middle of a save leaves the previous file untouched and removes
the partial one, so a checkpoint on disk is always complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _check_folder(filepath: str) -> str:
    folder = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot save to '{filepath}': the folder '{folder}' does not exist. Create it first "
            "(e.g. `os.makedirs(folder, exist_ok=True)`)."
        )
    if os.path.isdir(filepath):
        raise IsADirectoryError(
            f"Cannot save to '{filepath}': it is an existing directory. Pass a file path instead."
        )
    return folder


@contextlib.contextmanager
def atomic_file(filepath: Any) -> Iterator[str]:
    """Yield a temporary path in ``filepath``'s folder; on success it replaces ``filepath``.

    Example:
        >>> with atomic_file("weights.bin") as tmp:
        ...     with open(tmp, "wb") as f:
        ...         f.write(b"data")
    """
    filepath = os.fspath(filepath)
    folder = _check_folder(filepath)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode())
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_directory(dirpath: Any) -> Iterator[str]:
    """Yield a temporary directory next to ``dirpath``; on success it takes ``dirpath``'s place."""
    dirpath = os.fspath(dirpath)
    folder = os.path.dirname(os.path.abspath(dirpath))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to '{dirpath}': the folder '{folder}' does not exist.")
    tmp = tempfile.mkdtemp(dir=folder, prefix=f".{os.path.basename(dirpath)}.", suffix=".tmp")
    try:
        yield tmp
        if os.path.lexists(dirpath):
            old = tempfile.mkdtemp(dir=folder, prefix=f".{os.path.basename(dirpath)}.", suffix=".old")
            aside = os.path.join(old, "previous")
            os.rename(dirpath, aside)
            os.rename(tmp, dirpath)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, dirpath)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
