"""Fisher's Iris flowers: 150 rows, four measurements in cm and the species (shipped with strata).

Columns: ``sepal_l``, ``sepal_w``, ``petal_l``, ``petal_w`` (floats) and ``species``
(``Iris-setosa``, ``Iris-versicolor``, ``Iris-virginica``; 50 rows each). This is the copy used
by Jeff Heaton's T81-558 course (UCI Machine Learning Repository).
"""

from __future__ import annotations

from strata.datasets._bundled import bundled_path, read_csv

_FILENAME = "iris.csv"

filepath: str = bundled_path(_FILENAME)
"""Absolute path of the shipped ``iris.csv``, for code that reads the file itself."""


def path() -> str:
    """Absolute path of the shipped ``iris.csv``.

    Example:

    >>> import pandas as pd
    >>> pd.read_csv(path()).shape
    (150, 5)
    """
    return filepath


def load_data():
    """The Iris table as a pandas DataFrame, as ``pd.read_csv(path, na_values=['NA', '?'])``.

    Returns:
        A DataFrame of 150 rows and the columns ``sepal_l``, ``sepal_w``, ``petal_l``,
        ``petal_w``, ``species``.

    Example:

    >>> df = load_data()
    >>> df["species"].value_counts().to_dict()
    {'Iris-setosa': 50, 'Iris-versicolor': 50, 'Iris-virginica': 50}
    """
    return read_csv(_FILENAME)
