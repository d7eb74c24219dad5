"""Fashion-MNIST: 70,000 28x28 grey images of clothing in 10 classes (Zalando Research).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import os

from strata.datasets import _idx, _local
from strata.datasets._download import DownloadError, get_file

# Where Keras downloads the four files from; they are Zalando's originals, pinned by sha256.
_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
_SHA256 = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
_SUBDIR = "fashion_mnist"
_CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")


def load_data(data_dir: str | os.PathLike | None = None):
    """Loads Fashion-MNIST, as `keras.datasets.fashion_mnist.load_data`.

    Where the data come from, first match wins:

    1. `data_dir`, a local folder holding the four idx files (``train-images-idx3-ubyte.gz``,
       ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
       ``t10k-labels-idx1-ubyte.gz``), directly or in a ``fashion_mnist/`` sub-folder.
    2. The ``STRATA_DATASETS_DIR`` environment variable's ``fashion_mnist/`` sub-folder
       (skipped when it does not exist).
    3. The download cache: the files are downloaded once into
       ``~/.strata/datasets/fashion-mnist/`` (``$STRATA_HOME`` replaces ``~/.strata``).

    Every file, local or downloaded, is checked against the sha256 of Zalando's original.

    Args:
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(60000, 28, 28)`` and
        ``(10000, 28, 28)`` with values 0-255, and uint8 class labels ``(60000,)`` and
        ``(10000,)`` with values 0-9.

    Raises:
        FileNotFoundError: The local folder lacks a file.
        ValueError: A file is corrupt or does not match its published hash.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_test.shape  # doctest: +SKIP
    (10000, 28, 28)
    """
    names = list(_FILES.values())
    local = _local.local_folder(data_dir, _SUBDIR)
    if local is not None:
        paths = _local.require_files(*local, names)
        for path in paths:
            _local.verify(path, _SHA256[path.name])
    else:
        try:
            paths = [
                get_file(
                    name, origin=_ORIGIN + name, file_hash=_SHA256[name], cache_subdir=_CACHE_SUBDIR
                )
                for name in names
            ]
        except DownloadError as e:
            raise DownloadError(
                f"{e}\nTo load Fashion-MNIST without the network, pass data_dir= a folder "
                f"holding {', '.join(names)}, or set {_local.DATASETS_ENV_VAR} to a folder "
                f"with those files in '{_SUBDIR}/'."
            ) from e
    return _idx.load_split(dict(zip(_FILES, paths)))
