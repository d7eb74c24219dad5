"""Finding a dataset's files in a local folder instead of downloading them.

A local folder is laid out like the download origins, one sub-folder per dataset::

    <root>/mnist/train-images-idx3-ubyte.gz ...
    <root>/fashion_mnist/train-images-idx3-ubyte.gz ...

The root comes from a loader's ``data_dir=`` argument or, failing that, from the
``STRATA_DATASETS_DIR`` environment variable. ``data_dir`` may also point straight at the
dataset's own sub-folder.
"""

from __future__ import annotations

import os
import pathlib

from strata.datasets._download import hash_file

DATASETS_ENV_VAR = "STRATA_DATASETS_DIR"


def local_folder(
    data_dir: str | os.PathLike | None, subdir: str
) -> tuple[pathlib.Path, str] | None:
    """The folder to read `subdir`'s files from, and where that choice came from.

    Resolution order:

    1. `data_dir`, when given: ``data_dir/subdir`` if that folder exists, else `data_dir`
       itself. It must exist.
    2. ``$STRATA_DATASETS_DIR/subdir``, when the variable is set and that folder exists. A
       mirror that lacks this dataset is skipped, so the loader downloads it instead.
    3. `None`: the caller downloads into the cache.

    Returns:
        ``(folder, source)`` with `source` naming the argument or variable, or `None`.
    """
    if data_dir is not None:
        root = pathlib.Path(data_dir).expanduser()
        if not root.is_dir():
            raise FileNotFoundError(
                f"data_dir must be an existing folder holding the dataset files (or a "
                f"'{subdir}/' folder of them). Received: data_dir={os.fspath(data_dir)!r}"
            )
        sub = root / subdir
        return (sub if sub.is_dir() else root), f"data_dir={os.fspath(data_dir)!r}"
    env = os.environ.get(DATASETS_ENV_VAR)
    if env:
        sub = pathlib.Path(env).expanduser() / subdir
        if sub.is_dir():
            return sub, f"{DATASETS_ENV_VAR}={env!r}"
    return None


def require_files(
    folder: pathlib.Path, source: str, names: list[str], alternative: str | None = None
) -> list[pathlib.Path]:
    """The paths of `names` inside `folder`, or a FileNotFoundError listing the missing ones."""
    paths = [folder / name for name in names]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        instead = f" (or instead {alternative})" if alternative else ""
        raise FileNotFoundError(
            f"The local dataset folder {folder} (from {source}) lacks {', '.join(missing)}. "
            f"It needs: {', '.join(names)}{instead}. Copy the files there, or drop the local "
            "folder setting to download them."
        )
    return paths


def verify(path: pathlib.Path, sha256: str) -> None:
    """Checks a local file against its published sha256, with a clear error on mismatch."""
    actual = hash_file(path, "sha256")
    if actual != sha256:
        raise ValueError(
            f"The local file {path} does not match the published file: its sha256 is "
            f"{actual}, expected {sha256}. It is corrupt or a different version; replace it "
            "with the original."
        )
