"""Finding one of Keras's dataset files: in a local folder, in the cache, or by downloading it.

The loaders that read Keras's own files (``imdb.npz``, ``reuters.npz``, the housing ``.npz``
files, the word-index ``.json`` files and the CIFAR tarballs) share one rule: a local folder
(``data_dir=`` or ``$STRATA_DATASETS_DIR/<dataset>/``, see `strata.datasets._local`) holding
the file wins; otherwise the file is downloaded from Keras's origin into the cache
(``~/.strata/datasets``) once and verified against the hash Keras publishes.
"""

from __future__ import annotations

import os

from strata.datasets import _local
from strata.datasets._download import DownloadError, get_file

# Where Keras's own copies of the small datasets live.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def offline_hint(title: str, subdir: str, names: list[str]) -> str:
    """The sentence added to a failed download, naming the local-folder options."""
    return (
        f"To load {title} without the network, pass data_dir= a folder holding "
        f"{' or '.join(names)}, or set {_local.DATASETS_ENV_VAR} to a folder with it in "
        f"'{subdir}/'."
    )


def keras_file(
    fname: str,
    origin: str,
    file_hash: str,
    *,
    subdir: str,
    title: str,
    data_dir: str | os.PathLike | None,
) -> str:
    """The path of Keras's file `fname`: the local copy if there is one, else the cached download.

    A local copy is used as it is (it may be a re-packed copy, so Keras's file hash cannot
    apply); a download is checked against `file_hash`.

    Args:
        fname: The file's name in the cache and in a local folder.
        origin: The URL Keras downloads it from.
        file_hash: Keras's published sha256 or md5 of the file.
        subdir: The dataset's sub-folder name in a local folder (``"imdb"``).
        title: The dataset's name in messages (``"IMDB"``).
        data_dir: The loader's `data_dir` argument.

    Raises:
        FileNotFoundError: A local folder was chosen but lacks the file.
        DownloadError: The download failed; the message names the local-folder options.
        ValueError: The downloaded file does not match `file_hash`.
    """
    local = _local.local_folder(data_dir, subdir)
    if local is not None:
        (path,) = _local.require_files(*local, [fname])
        return os.fspath(path)
    try:
        return get_file(fname, origin=origin, file_hash=file_hash)
    except DownloadError as e:
        raise DownloadError(f"{e}\n{offline_hint(title, subdir, [fname])}") from e
