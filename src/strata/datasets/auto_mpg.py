"""Auto MPG: fuel use of 398 cars from 1970-1982 (shipped with strata).

Columns: ``mpg``, ``cylinders``, ``displacement``, ``horsepower``, ``weight``,
``acceleration``, ``year``, ``origin`` and ``name``. ``horsepower`` is unknown (``?`` in the
file, NaN once loaded) for 6 cars. This is the copy used by Jeff Heaton's T81-558 course
(UCI Machine Learning Repository).
"""

from __future__ import annotations

from strata.datasets._bundled import bundled_path, read_csv

_FILENAME = "auto-mpg.csv"

filepath: str = bundled_path(_FILENAME)
"""Absolute path of the shipped ``auto-mpg.csv``, for code that reads the file itself."""


def path() -> str:
    """Absolute path of the shipped ``auto-mpg.csv``.

    Example:

    >>> import pandas as pd
    >>> pd.read_csv(path(), na_values=["NA", "?"])["horsepower"].isna().sum()
    np.int64(6)
    """
    return filepath


def load_data():
    """The Auto MPG table as a pandas DataFrame, as ``pd.read_csv(path, na_values=['NA', '?'])``.

    Returns:
        A DataFrame of 398 rows and 9 columns; ``horsepower`` holds NaN in 6 rows.

    Example:

    >>> df = load_data()
    >>> df.shape
    (398, 9)
    """
    return read_csv(_FILENAME)
