"""California housing: 20,640 census block groups of 1990, 8 features, median house value.

Each row is one block group (600 to 3,000 people). Keras's ``california_housing.npz`` holds the
StatLib table (Pace & Barry, 1997) as float32 in its original row order, with the columns

    0 longitude, 1 latitude, 2 housing_median_age, 3 total_rooms, 4 total_bedrooms,
    5 population, 6 households, 7 median_income

and the target ``median_house_value`` in dollars. ``version="small"`` keeps the first 600 rows,
a stand-in for the retired Boston housing set.

A local folder may hold either Keras's ``.npz`` file or the StatLib text table
``cal_housing.csv`` (``cal_housing.data`` renamed; comma-separated, the 8 columns above then
the target, with or without a header line). The table gives the same arrays as Keras's file:
its rows are in the same order, which is what reproduces Keras's splits for a given seed.
"""

from __future__ import annotations

import os

import numpy as np

from strata.datasets import _keras_file, _local, _safe_pickle, _split

_FILE_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
_ORIGIN = _keras_file.KERAS_ORIGIN
_SUBDIR = "california_housing"
_CSV_NAME = "cal_housing.csv"
_SMALL_ROWS = 600


def read_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` as float32 from the StatLib table: 8 feature columns, then the target.

    Example:

    >>> x, y = read_csv("cal_housing.csv")  # doctest: +SKIP
    >>> x.shape, y.dtype  # doctest: +SKIP
    ((20640, 8), dtype('float32'))
    """
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    has_header = any(c.isalpha() for c in first)
    try:
        table = np.loadtxt(path, delimiter=",", skiprows=int(has_header), ndmin=2)
    except ValueError as e:
        raise ValueError(
            f"{os.fspath(path)} is not the California housing table ({e}). It must hold 9 "
            "comma-separated numbers per row: 8 features, then median_house_value."
        ) from e
    if table.shape[1] != 9:
        raise ValueError(
            f"{os.fspath(path)} is not the California housing table: its rows hold "
            f"{table.shape[1]} values, expected 9 (8 features, then median_house_value)."
        )
    table = table.astype(np.float32)
    return table[:, :8], table[:, 8]


def _read(path: str, data_dir) -> tuple[np.ndarray, np.ndarray]:
    local = _local.local_folder(data_dir, _SUBDIR)
    if local is not None:
        folder, source = local
        if not (folder / path).is_file() and (folder / _CSV_NAME).is_file():
            return read_csv(folder / _CSV_NAME)
        _local.require_files(folder, source, [path], alternative=_CSV_NAME)
        fpath = folder / path
    else:
        fpath = _keras_file.keras_file(
            path, _ORIGIN + "california_housing.npz", _FILE_SHA256,
            subdir=_SUBDIR, title="California housing", data_dir=None,
        )
    arrays = _safe_pickle.load_npz(fpath)
    return _safe_pickle.require_arrays(arrays, ("x", "y"), fpath, "California housing")


def load_data(
    version: str = "large",
    path: str = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
    data_dir: str | os.PathLike | None = None,
):
    """Loads the California housing dataset, as `keras.datasets.california_housing.load_data`.

    Where the data come from, first match wins:

    1. `data_dir`, a local folder (or its ``california_housing/`` sub-folder) holding Keras's
       file named `path`, or else the StatLib table ``cal_housing.csv``.
    2. The ``california_housing/`` sub-folder of ``$STRATA_DATASETS_DIR``, read the same way.
    3. Keras's ``california_housing.npz``, downloaded once into ``~/.strata/datasets/`` and
       checked against Keras's sha256.

    The rows are shuffled with ``np.random.RandomState(seed)`` and split as Keras does.

    Args:
        version: ``"large"`` (all 20,640 rows) or ``"small"`` (the first 600).
        path: Name of the ``.npz`` file in the cache (and in a local folder).
        test_split: Share of the rows put in the test set, in ``[0, 1)``.
        seed: Seed of the shuffle before the split.
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float32 features ``(n, 8)`` and float32
        median house values in dollars ``(n,)``; 16,512 + 4,128 rows for ``"large"``,
        480 + 120 for ``"small"``.

    Raises:
        ValueError: A bad `version` or `test_split`, or a corrupt file.
        FileNotFoundError: The local folder holds neither file.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), _ = load_data(version="small")  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (480, 8)
    """
    _split.check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError(
            "version must be 'small' (600 rows) or 'large' (20,640 rows). "
            f"Received: version={version!r}"
        )
    x, y = _read(path, data_dir)
    if version == "small":
        x, y = x[:_SMALL_ROWS], y[:_SMALL_ROWS]
    return _split.shuffle_split(x, y, test_split, seed)
