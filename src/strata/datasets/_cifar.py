"""Reading the CIFAR-10 / CIFAR-100 "python version" files safely.

Alex Krizhevsky's tarballs hold batch files that are Python 2 pickles of a dict::

    {b"batch_label": bytes, b"data": uint8 array (n, 3072), b"labels": [int] * n,
     b"filenames": [bytes] * n}

(CIFAR-100 has ``b"fine_labels"`` and ``b"coarse_labels"`` instead of ``b"labels"``). Each row
of ``data`` is one 32x32 image stored channel by channel (1024 red, 1024 green, 1024 blue
values, each row-major). The files are read with `strata.datasets._safe_pickle`, which builds
only plain data and NumPy arrays, so a tampered file cannot run code.
"""

from __future__ import annotations

import io
import os
import pathlib
import tarfile

import numpy as np

from strata import config
from strata.datasets import _local
from strata.datasets._download import DownloadError, get_file
from strata.datasets._keras_file import offline_hint
from strata.datasets._safe_pickle import RefusedObjectError, restricted_load


def parse_batch(stream, name: str, label_key: str) -> tuple[np.ndarray, list]:
    """``(images (n, 3, 32, 32) uint8, labels)`` from one pickled batch `stream`."""
    try:
        batch = restricted_load(stream, encoding="bytes")
    except RefusedObjectError:
        raise
    except Exception as e:  # a truncated or foreign stream fails in many ways
        raise ValueError(f"{name} is not a valid CIFAR batch file ({type(e).__name__}: {e})") from e
    if not isinstance(batch, dict):
        raise ValueError(
            f"{name} is not a valid CIFAR batch file: it holds a {type(batch).__name__}, "
            "expected a dict."
        )
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    missing = [key for key in ("data", label_key) if key not in batch]
    if missing:
        raise ValueError(
            f"{name} is not a valid CIFAR batch file: it has no {' or '.join(missing)} entry "
            f"(it holds {', '.join(sorted(map(str, batch)))})."
        )
    data, labels = batch["data"], batch[label_key]
    if not (isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 2
            and data.shape[1] == 3 * 32 * 32):
        raise ValueError(
            f"{name} is not a valid CIFAR batch file: its data should be a uint8 array of "
            f"shape (n, 3072), got {type(data).__name__} "
            f"{getattr(data, 'dtype', '')} {getattr(data, 'shape', '')}."
        )
    if len(labels) != len(data):
        raise ValueError(
            f"{name} is not a valid CIFAR batch file: it holds {len(data)} images but "
            f"{len(labels)} {label_key}."
        )
    return data.reshape(len(data), 3, 32, 32), list(labels)


class BatchReader:
    """Reads batch files by name from an extracted folder or straight from the tarball."""

    def __init__(self, source: pathlib.Path, folder_name: str):
        self.source, self.folder_name = source, folder_name

    def read(self, name: str, label_key: str):
        if self.source.is_dir():
            path = self.source / name
            if not path.is_file():
                raise FileNotFoundError(
                    f"The CIFAR folder {self.source} lacks {name}. Delete the folder to "
                    "extract or download the archive again."
                )
            with open(path, "rb") as f:
                return parse_batch(f, os.fspath(path), label_key)
        member = f"{self.folder_name}/{name}"
        try:
            with tarfile.open(self.source) as archive:
                data = archive.extractfile(member).read()
        except KeyError:
            raise FileNotFoundError(f"The archive {self.source} has no member {member}.") from None
        except tarfile.TarError as e:
            raise ValueError(f"{self.source} is not a readable tar archive ({e}).") from e
        return parse_batch(io.BytesIO(data), f"{self.source}:{member}", label_key)


def open_batches(
    *, subdir: str, title: str, folder_name: str, archive_name: str, origin: str,
    file_hash: str, data_dir,
) -> BatchReader:
    """A reader over the local folder's copy, or over the cached and extracted download.

    A local folder may hold the extracted `folder_name` folder (or be it) or the tarball
    `archive_name` (read without unpacking). Otherwise the tarball is downloaded as Keras does, into
    ``<cache>/<folder_name>-target_archive``, checked against `file_hash`, and extracted into
    ``<cache>/<folder_name>-target/``.
    """
    local = _local.local_folder(data_dir, subdir)
    if local is not None:
        folder, source = local
        if folder.name == folder_name:  # data_dir names the extracted folder itself
            return BatchReader(folder, folder_name)
        if (folder / folder_name).is_dir():
            return BatchReader(folder / folder_name, folder_name)
        alternative = f"a {folder_name}/ folder"
        (archive,) = _local.require_files(folder, source, [archive_name], alternative)
        return BatchReader(archive, folder_name)
    try:
        extracted = get_file(
            f"{folder_name}-target", origin=origin, extract=True, file_hash=file_hash
        )
    except DownloadError as e:
        hint = offline_hint(title, subdir, [archive_name, folder_name + "/"])
        raise DownloadError(f"{e}\n{hint}") from e
    return BatchReader(pathlib.Path(extracted) / folder_name, folder_name)


def to_image_format(x: np.ndarray) -> np.ndarray:
    """Channels-first ``(n, 3, 32, 32)`` images in `strata.config.image_data_format` layout."""
    return x.transpose(0, 2, 3, 1) if config.image_data_format() == "channels_last" else x
