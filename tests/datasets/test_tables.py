"""The shipped course tables (iris, auto-mpg) and the cheap package import."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys

import numpy as np
import pytest

from strata.datasets import auto_mpg, iris


def test_iris_dataframe():
    df = iris.load_data()
    assert df.shape == (150, 5)
    assert list(df.columns) == ["sepal_l", "sepal_w", "petal_l", "petal_w", "species"]
    assert df["species"].value_counts().to_dict() == {
        "Iris-setosa": 50, "Iris-versicolor": 50, "Iris-virginica": 50
    }
    assert [str(t) for t in df.dtypes[:4]] == ["float64"] * 4
    assert not df.isna().any().any()
    assert df.iloc[0, :4].tolist() == [5.1, 3.5, 1.4, 0.2]


def test_auto_mpg_dataframe():
    df = auto_mpg.load_data()
    assert df.shape == (398, 9)
    assert list(df.columns) == [
        "mpg", "cylinders", "displacement", "horsepower", "weight",
        "acceleration", "year", "origin", "name",
    ]
    assert df.isna().sum().to_dict() == {c: (6 if c == "horsepower" else 0) for c in df.columns}
    assert df["horsepower"].dtype == np.float64  # '?' became NaN, so the column is numeric
    assert df["mpg"].mean() == pytest.approx(23.514573, abs=1e-6)


def test_paths_point_at_byte_copies_of_the_shared_files(shared_datasets):
    assert iris.path() == iris.filepath and os.path.isabs(iris.filepath)
    assert filecmp.cmp(iris.path(), shared_datasets / "iris" / "iris.csv", shallow=False)
    assert filecmp.cmp(auto_mpg.path(), shared_datasets / "auto_mpg" / "auto-mpg.csv", shallow=False)


def test_importing_the_package_does_not_import_pandas():
    code = (
        "import sys, strata.datasets as d; "
        "assert {'mnist', 'fashion_mnist', 'iris', 'auto_mpg'} <= set(dir(d)); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
