"""CIFAR-100: 60,000 32x32 colour images in 100 classes grouped into 20 superclasses.

Each image has a "fine" label (its class, 0-99) and a "coarse" one (its superclass, 0-19).
The training set (50,000 images) and the test set (10,000) are one batch file each.
"""

from __future__ import annotations

import os

import numpy as np

from strata.datasets import _cifar

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_FILE_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode: str = "fine", data_dir: str | os.PathLike | None = None):
    """Loads CIFAR-100, as `keras.datasets.cifar100.load_data`.

    The data come from a local folder (`data_dir`, or the ``cifar100/`` sub-folder of
    ``$STRATA_DATASETS_DIR``) holding the extracted ``cifar-100-python/`` folder or the tarball
    ``cifar-100-python.tar.gz``; otherwise the tarball Keras downloads is fetched once into
    ``~/.strata/datasets/``, checked against Keras's sha256 and extracted. The pickled batch
    files are read without unsafe unpickling.

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (channels first under ``"channels_first"``), and int64 labels
        of shape ``(50000, 1)`` and ``(10000, 1)`` (int64 as Keras returns them, unlike
        CIFAR-10's uint8).

    Raises:
        ValueError: A bad `label_mode`, or a corrupt batch file or download.
        FileNotFoundError: The local folder lacks the files.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), _ = load_data(label_mode="coarse")  # doctest: +SKIP
    >>> int(y_train.max())  # doctest: +SKIP
    19
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            "label_mode must be 'fine' (100 classes) or 'coarse' (20 superclasses). "
            f"Received: label_mode={label_mode!r}"
        )
    reader = _cifar.open_batches(
        subdir="cifar100", title="CIFAR-100", folder_name="cifar-100-python",
        archive_name="cifar-100-python.tar.gz", origin=_ORIGIN, file_hash=_FILE_SHA256,
        data_dir=data_dir,
    )
    split = []
    for name in ("train", "test"):
        x, labels = reader.read(name, f"{label_mode}_labels")
        split.append((_cifar.to_image_format(x), np.reshape(labels, (len(labels), 1))))
    return tuple(split)
