"""CIFAR-10: 60,000 32x32 colour images in 10 classes, 50,000 for training and 10,000 for test.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck. The training set is stored as five batch files of 10,000 images, the test set as one.
"""

from __future__ import annotations

import os

import numpy as np

from strata.datasets import _cifar

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_FILE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


def load_data(data_dir: str | os.PathLike | None = None):
    """Loads CIFAR-10, as `keras.datasets.cifar10.load_data`.

    Where the data come from, first match wins:

    1. `data_dir`, a local folder (or its ``cifar10/`` sub-folder) holding the extracted
       ``cifar-10-batches-py/`` folder or the tarball ``cifar-10-python.tar.gz``.
    2. The ``cifar10/`` sub-folder of ``$STRATA_DATASETS_DIR``, read the same way.
    3. The tarball Keras downloads, fetched once into ``~/.strata/datasets/``, checked against
       Keras's sha256 and extracted there.

    The batch files are pickles; they are read with an unpickler that builds only plain data
    and NumPy arrays, so a tampered file cannot run code.

    Args:
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (``(n, 3, 32, 32)`` when `strata.config.image_data_format` is
        ``"channels_first"``), and uint8 labels 0-9 of shape ``(50000, 1)`` and ``(10000, 1)``.

    Raises:
        ValueError: A batch file is corrupt, or the download does not match Keras's hash.
        FileNotFoundError: The local folder lacks the files.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1))
    """
    reader = _cifar.open_batches(
        subdir="cifar10", title="CIFAR-10", folder_name="cifar-10-batches-py",
        archive_name="cifar-10-python.tar.gz", origin=_ORIGIN, file_hash=_FILE_SHA256,
        data_dir=data_dir,
    )
    parts = [reader.read(name, "labels") for name in _TRAIN_BATCHES]
    x_train = np.concatenate([x for x, _ in parts])
    y_train = np.array([label for _, labels in parts for label in labels], np.uint8)
    x_test, test_labels = reader.read("test_batch", "labels")
    y_test = np.array(test_labels, np.uint8)
    return (
        (_cifar.to_image_format(x_train), y_train.reshape(-1, 1)),
        (_cifar.to_image_format(x_test), y_test.reshape(-1, 1)),
    )
