"""Reading the idx format of MNIST-style datasets (optionally gzip-compressed).

An idx file starts with a big-endian magic number whose last byte is the number of dimensions
(``0x00000803`` = 2051 for ``(n, rows, cols)`` images, ``0x00000801`` = 2049 for ``(n,)``
labels, both unsigned bytes), followed by one big-endian uint32 per dimension and the raw data.
"""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049


def _open(path: str | os.PathLike):
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def read_idx(path: str | os.PathLike, magic: int) -> np.ndarray:
    """Reads one idx file into a writable uint8 array, checking its header and length.

    Args:
        path: The ``.gz`` or uncompressed idx file.
        magic: The expected magic number (`IMAGES_MAGIC` or `LABELS_MAGIC`).

    Raises:
        ValueError: The file is truncated, not gzip/idx, has another magic number, or holds
            more or fewer bytes than its header announces.
    """
    ndim = magic & 0xFF
    try:
        with _open(path) as f:
            header = f.read(4 + 4 * ndim)
            if len(header) < 4 + 4 * ndim:
                raise ValueError(f"the file has only {len(header)} bytes, too short for a header")
            found = int.from_bytes(header[:4], "big")
            if found != magic:
                raise ValueError(f"its magic number is {found}, expected {magic}")
            shape = tuple(int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
            data = np.empty(shape, dtype=np.uint8)
            view, got = memoryview(data.reshape(-1)), 0
            while got < data.size and (n := f.readinto(view[got:])):
                got += n
            if got != data.size:
                raise ValueError(f"its header announces {data.size} data bytes but it holds {got}")
            if f.read(1):
                raise ValueError(f"it holds more than the {data.size} data bytes of its header")
    except (OSError, EOFError, zlib.error, ValueError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise ValueError(
            f"{os.fspath(path)} is not a valid idx file ({e}). It is probably truncated or "
            "corrupt: delete it and download it again."
        ) from e
    return data


Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_split(paths: dict[str, str | os.PathLike]) -> Split:
    """Reads the four idx files of an MNIST-style dataset into Keras's nested tuples.

    Args:
        paths: Maps ``"x_train"``, ``"y_train"``, ``"x_test"``, ``"y_test"`` to files.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays ``(n, 28, 28)`` and ``(n,)``.
    """
    arrays = {
        key: read_idx(path, IMAGES_MAGIC if key.startswith("x") else LABELS_MAGIC)
        for key, path in paths.items()
    }
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if len(x) != len(y):
            raise ValueError(
                f"{os.fspath(paths['x_' + part])} holds {len(x)} images but "
                f"{os.fspath(paths['y_' + part])} holds {len(y)} labels; "
                "the files do not belong together."
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
