"""``strata predict MODEL CSV``: predictions of a ``strata fit`` model, by the real console script."""

import io
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from strata.cli.csv_table import FeaturePlan, read_table
from strata.cli.main import main
from strata.saving import load_model

SCRIPT = pathlib.Path(sys.executable).parent / "strata"
SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "datasets"
MPG = SHARED / "auto_mpg" / "auto-mpg.csv"
IRIS = SHARED / "iris" / "iris.csv"


def run(*args):
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not SHARED.is_dir():
        pytest.skip("../shared/datasets is not present")
    root = tmp_path_factory.mktemp("fits")
    mpg = run("fit", MPG, "--target", "mpg", "--epochs", 2, "--verbose", 0, "--out", root / "mpg")
    iris = run("fit", IRIS, "--target", "species", "--epochs", 25, "--learning-rate", 0.02, "--layers", 16,
               "--verbose", 0, "--out", root / "iris")
    assert mpg.returncode == 0 and iris.returncode == 0, mpg.stderr + iris.stderr
    return root


def test_regression_predictions_to_stdout_one_row_per_input_row(runs):
    result = run("predict", runs / "mpg" / "model.keras", MPG)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("Filled missing values in 6 rows with the training median / most frequent value "
                             "(horsepower 6).\n")
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == ["mpg"] and len(table) == 398
    # The same numbers as the saved model on the rows prepared by the saved plan.
    plan = FeaturePlan.load(str(runs / "mpg" / "model.keras"))
    frame = plan.filled(read_table(str(MPG)))
    expected = load_model(runs / "mpg" / "model.keras").predict(plan.inputs(frame), verbose=0)
    np.testing.assert_allclose(table["mpg"].to_numpy(), expected.reshape(-1), rtol=1e-5)
    assert frame.loc[32, "horsepower"] == 93.5  # a '?' row got the training median


def test_classification_predictions_to_a_file_with_python_dash_m(runs, tmp_path):
    target = tmp_path / "predictions.csv"
    result = subprocess.run([sys.executable, "-m", "strata", "predict", str(runs / "iris" / "model.keras"),
                             str(IRIS), "--out", str(target)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == f"Wrote 150 predictions to {target}.\n"
    table = pd.read_csv(target)
    classes = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
    assert list(table.columns) == ["species"] + [f"probability_{c}" for c in classes]
    probabilities = table.iloc[:, 1:].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(table["species"], np.asarray(classes)[probabilities.argmax(axis=1)])
    truth = pd.read_csv(IRIS)["species"]
    assert (table["species"] == truth).mean() > 0.8


def test_unseen_text_values_and_extra_columns_are_accepted(tmp_path, capsys):
    rows = "".join(f"{c},{s},{'yes' if c == 'red' else 'no'}\n"
                   for c, s in zip(["red", "blue", "green"] * 10, np.linspace(-1, 1, 30).round(2)))
    (tmp_path / "train.csv").write_text("colour,size,bought\n" + rows)
    assert main(["fit", str(tmp_path / "train.csv"), "--target", "bought", "--epochs", "2", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0
    (tmp_path / "new.csv").write_text("size,colour,note\n0.5,purple,x\n-0.5,red,y\n")
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "run" / "model.keras"), str(tmp_path / "new.csv")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == ["bought", "probability_no", "probability_yes"] and len(table) == 2
    assert set(table["bought"]) <= {"yes", "no"}


def test_missing_feature_columns_are_named(runs, tmp_path, capsys):
    partial = tmp_path / "partial.csv"
    pd.read_csv(MPG).drop(columns=["weight", "year"]).to_csv(partial, index=False)
    assert main(["predict", str(runs / "mpg" / "model.keras"), str(partial)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"strata predict: error: {partial} lacks the feature columns weight, year that the "
                          "model was trained on. Its columns are: mpg, cylinders, displacement")


def test_a_model_without_its_plan_or_not_a_model_is_an_error(runs, tmp_path, capsys):
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "model.keras").write_bytes((runs / "mpg" / "model.keras").read_bytes())
    assert main(["predict", str(alone / "model.keras"), str(MPG)]) == 1
    assert (f"strata predict: error: {alone / 'preprocessing.json'} not found: `strata predict` needs the "
            "preprocessing.json that `strata fit` wrote beside the model") in capsys.readouterr().err
    (alone / "preprocessing.json").write_bytes((runs / "mpg" / "preprocessing.json").read_bytes())
    (alone / "model.keras").write_text("not a model")
    assert main(["predict", str(alone / "model.keras"), str(MPG)]) == 1
    assert (f"strata predict: error: {alone / 'model.keras'}: not a .keras archive or an HDF5 file"
            in capsys.readouterr().err)
    (alone / "preprocessing.json").write_text('{"format": "other"}')
    assert main(["predict", str(alone / "model.keras"), str(MPG)]) == 1
    assert "was not written by `strata fit`." in capsys.readouterr().err


def test_console_script_error_on_a_missing_csv(runs, tmp_path):
    result = run("predict", runs / "mpg" / "model.keras", tmp_path / "none.csv")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"strata predict: error: {tmp_path / 'none.csv'}: no such file.\n"
