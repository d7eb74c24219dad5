"""Boston housing prices: 506 Boston suburbs of the 1970s, 13 features, price in k$ to predict.

The data carry an ethical problem: one of the 13 features encodes an assumption about racial
self-segregation and house prices. Use them to discuss that problem; for a neutral regression
exercise prefer `strata.datasets.california_housing` (``version="small"``).
"""

from __future__ import annotations

import os

from strata.datasets import _keras_file, _safe_pickle, _split

_FILE_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
_ORIGIN = _keras_file.KERAS_ORIGIN
_SUBDIR = "boston_housing"


def load_data(
    path: str = "boston_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
    data_dir: str | os.PathLike | None = None,
):
    """Loads the Boston housing dataset, as `keras.datasets.boston_housing.load_data`.

    Keras's ``boston_housing.npz`` comes from a local folder (`data_dir`, or a
    ``boston_housing/`` sub-folder of ``$STRATA_DATASETS_DIR``) when one holds it, else it is
    downloaded once into ``~/.strata/datasets/`` and checked against Keras's sha256. Its rows
    are shuffled with ``np.random.RandomState(seed)`` and split as Keras does.

    Args:
        path: Name of the file in the cache (and in a local folder).
        test_split: Share of the rows put in the test set, in ``[0, 1)``.
        seed: Seed of the shuffle before the split.
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 features of shape ``(n, 13)`` and
        float64 prices in k$ of shape ``(n,)``; 404 training and 102 test rows by default.

    Raises:
        ValueError: `test_split` is outside ``[0, 1)``, or the file is corrupt.
        FileNotFoundError: The local folder lacks the file.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (404, 13)
    """
    _split.check_test_split(test_split)
    fpath = _keras_file.keras_file(
        path, _ORIGIN + "boston_housing.npz", _FILE_SHA256,
        subdir=_SUBDIR, title="Boston housing", data_dir=data_dir,
    )
    arrays = _safe_pickle.load_npz(fpath)
    x, y = _safe_pickle.require_arrays(arrays, ("x", "y"), fpath, "Boston housing")
    return _split.shuffle_split(x, y, test_split, seed)
