"""The small course tables shipped inside the package (``strata/datasets/data/*.csv``)."""

from __future__ import annotations

import os

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def bundled_path(filename: str) -> str:
    """Absolute path of a CSV file shipped with strata."""
    return os.path.join(DATA_DIR, filename)


def read_csv(filename: str):
    """The shipped CSV as a pandas DataFrame, read as the course reads it.

    ``NA`` and ``?`` mark missing values (auto-mpg writes ``?`` for an unknown horsepower).
    """
    import pandas as pd  # heavy: imported only when a table is loaded

    return pd.read_csv(bundled_path(filename), na_values=["NA", "?"])
