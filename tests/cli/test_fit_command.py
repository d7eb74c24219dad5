"""``strata fit CSV --target COL``: the real console script on the course CSVs, and its error paths."""

import base64
import csv
import pathlib
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from strata.cli.main import main
from strata.saving import load_model

SCRIPT = pathlib.Path(sys.executable).parent / "strata"


def run(*args, cwd=None):
    """The console script (``strata ...``) in a subprocess."""
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def run_module(*args):
    """``python -m strata ...`` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "strata", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def mpg_run(tmp_path_factory):
    shared = pathlib.Path(__file__).resolve().parents[3] / "shared" / "datasets"
    if not shared.is_dir():
        pytest.skip("../shared/datasets is not present")
    out = tmp_path_factory.mktemp("mpg") / "run"
    result = run("fit", shared / "auto_mpg" / "auto-mpg.csv", "--target", "mpg", "--epochs", 3, "--out", out)
    return result, out


@pytest.fixture(scope="module")
def iris_run(tmp_path_factory):
    shared = pathlib.Path(__file__).resolve().parents[3] / "shared" / "datasets"
    if not shared.is_dir():
        pytest.skip("../shared/datasets is not present")
    out = tmp_path_factory.mktemp("iris") / "run"
    result = run_module("fit", shared / "iris" / "iris.csv", "--target", "species", "--epochs", 25,
                        "--learning-rate", 0.02, "--layers", 16, "--out", out)
    return result, out


def _images(page):
    images = re.findall(r'<img alt="figure" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page)
    return [base64.b64decode(data) for data in images]


def test_auto_mpg_regression_console_log(mpg_run):
    result, _ = mpg_run
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("auto-mpg.csv: 398 rows, 9 columns.")
    for expected in ["Left out 'name': identifier-like text (305 distinct values in 398 rows).",
                     "Missing values ('?', 'NA' or empty): horsepower 6.",
                     "Dropped 6 of 398 rows with a missing value (392 left). Pass --impute to keep them with the "
                     "median / most frequent value filled in.",
                     "Task: regression of 'mpg' (loss mse, metric mae).",
                     "Features: 7 numeric (normalised in the model), 0 text (one-hot encoded in the model): "
                     "cylinders, displacement, horsepower, weight, acceleration, year, origin.",
                     "Training on 313 rows, validating on 79 (--validation-split 0.2), seed 42."]:
        assert expected in lines
    # Keras's epoch log (verbose=2) and EarlyStopping's line.
    assert re.search(r"^Epoch 1/3\n10/10 - \S+ - \S+/step - loss: [\d.]+ - mae: [\d.]+ - val_loss: [\d.]+ - "
                     r"val_mae: [\d.]+$", result.stdout, re.M)
    assert re.search(r"^Restoring model weights from the end of the best epoch: [123]\.$", result.stdout, re.M)
    assert re.search(r"^Final metrics \(weights of epoch [123] of 3\): training loss [\d.]+, mae [\d.]+, "
                     r"validation loss [\d.]+, mae [\d.]+\.$", result.stdout, re.M)
    assert lines[-1].startswith("Wrote ") and lines[-1].endswith("report.html.")


def test_auto_mpg_files_model_history_and_plan(mpg_run):
    _, out = mpg_run
    with open(out / "history.csv") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"] and [r[0] for r in rows[1:]] == ["0", "1", "2"]
    model = load_model(out / "model.keras")
    assert [layer.name for layer in model.layers] == ["numeric", "normalization", "hidden_1", "hidden_2", "output"]
    assert model.get_layer("hidden_1").units == 64 and model.input_shape == (None, 7)
    mean = np.asarray(model.get_layer("normalization").mean).reshape(-1)
    assert 4 < mean[0] < 7 and 2500 < mean[3] < 3500  # adapted: cylinders, weight of the training rows
    plan = pd.read_json(out / "preprocessing.json", typ="series")
    assert plan["task"] == "regression" and plan["left_out"] == {"name": "identifier-like text (305 distinct "
                                                                          "values in 398 rows)"}
    assert plan["fill"]["horsepower"] == 93.5  # median of the present values


def test_auto_mpg_report_is_self_contained(mpg_run):
    _, out = mpg_run
    page = (out / "report.html").read_text()
    images = _images(page)
    assert len(images) == 2 and all(image.startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    assert "http" not in page.replace("charset", "") and "<script" not in page and "<link" not in page
    for expected in ["<h2>Learning curves</h2>", "<h2>Residuals (validation rows)</h2>", "<h2>Final metrics</h2>",
                     "normalization (Normalization)", "hidden_2 (Dense)", "Total params:",
                     "<td>rows read</td><td>398</td>", "<td>rows used</td><td>392</td>",
                     "<td>missing values</td><td>horsepower: 6</td>", "<td>left out: name</td>"]:
        assert expected in page
    command = re.search(r"<h2>Reproduce</h2>\n<pre>(.*)</pre>", page).group(1)
    assert command.startswith("strata fit ") and "--target mpg" in command and "--epochs 3" in command
    assert "--layers 64,64 --batch-size 32 --learning-rate 0.001 --validation-split 0.2 --patience 10 --seed 42" \
        in command


def test_iris_multiclass_with_python_dash_m(iris_run):
    result, out = iris_run
    assert result.returncode == 0, result.stderr
    assert ("Task: multi-class classification of 'species' into 3 classes (Iris-setosa, Iris-versicolor, "
            "Iris-virginica) (loss sparse_categorical_crossentropy, metric accuracy).") in result.stdout
    assert "Left out" not in result.stdout and "Missing values" not in result.stdout
    accuracy = float(re.search(r"validation accuracy ([\d.]+)", result.stdout).group(1))
    assert accuracy >= 0.8  # 25 epochs on shuffled rows (iris.csv is sorted by species)
    page = (out / "report.html").read_text()
    assert "<h2>Confusion matrix (validation rows)</h2>" in page and len(_images(page)) == 2
    model = load_model(out / "model.keras")
    assert model.output_shape == (None, 3) and model.get_layer("output").activation.__name__ == "softmax"


def test_the_reproduce_command_repeats_the_run_exactly(iris_run, tmp_path):
    _, out = iris_run
    command = re.search(r"<h2>Reproduce</h2>\n<pre>(.*)</pre>", (out / "report.html").read_text()).group(1)
    words = command.split()
    again = tmp_path / "again"
    words[words.index("--out") + 1] = str(again)
    result = run(*words[1:])
    assert result.returncode == 0, result.stderr
    assert (again / "history.csv").read_text() == (out / "history.csv").read_text()


def _shop_csv(path):
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "green", "blue"], 80)
    size = rng.normal(size=80).round(3)
    frame = pd.DataFrame({"id": [f"row{i}" for i in range(80)], "colour": colour, "size": size, "const": 1,
                          "bought": np.where((colour == "red") | (size > 0.5), "yes", "no")})
    frame = frame.astype({"size": object})
    frame.loc[3, "size"] = "?"
    frame.loc[5, "colour"] = "NA"
    frame.to_csv(path, index=False)
    return path


def test_binary_target_text_column_one_hot_in_the_model_and_impute(tmp_path, capsys):
    data = _shop_csv(tmp_path / "shop.csv")
    code = main(["fit", str(data), "--target", "bought", "--epochs", "2", "--impute", "--verbose", "0",
                 "--out", str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert code == 0
    for expected in ["Left out 'id': identifier-like text (80 distinct values in 80 rows).",
                     "Left out 'const': a single value (1).",
                     "Missing values ('?', 'NA' or empty): size 1, colour 1.",
                     "Imputed 2 rows (median for numbers, most frequent value for text).",
                     "Task: binary classification of 'bought' into 2 classes (no, yes) (loss binary_crossentropy, "
                     "metric accuracy).",
                     "Features: 1 numeric (normalised in the model), 1 text (one-hot encoded in the model): size, "
                     "colour.",
                     "Training on 64 rows, validating on 16 (--validation-split 0.2), seed 42."]:
        assert expected in out.splitlines()
    model = load_model(tmp_path / "run" / "model.keras")
    encoder = model.get_layer("colour_one_hot")
    assert type(encoder).__name__ == "StringLookup" and encoder.vocabulary_size() == 4
    assert encoder.output_mode == "one_hot" and model.get_layer("features").output.shape == (None, 5)
    # The saved model reads raw rows: text as text (an unseen colour takes the out-of-vocabulary slot).
    raw = {"numeric": np.array([[0.3], [0.3]], "float32"), "colour": np.array([["red"], ["purple"]], object)}
    np.testing.assert_array_equal(encoder(raw["colour"]), [[0, 0, 0, 1], [1, 0, 0, 0]])
    assert model.predict(raw, verbose=0).shape == (2, 1)
    assert model.get_layer("output").units == 1 and model.get_layer("output").activation.__name__ == "sigmoid"


def test_validation_split_zero_monitors_the_training_loss(tmp_path, capsys):
    data = _shop_csv(tmp_path / "shop.csv")
    assert main(["fit", str(data), "--target", "bought", "--epochs", "2", "--validation-split", "0",
                 "--verbose", "0", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "Dropped 2 of 80 rows with a missing value (78 left)." in out
    assert "Training on 78 rows, validating on 0 (--validation-split 0.0), seed 42." in out
    page = (tmp_path / "run" / "report.html").read_text()
    assert "(best loss)" in page and "Confusion matrix (training rows)" in page


def test_a_few_integer_target_values_are_classes_unless_task_regression(tmp_path, capsys):
    data = tmp_path / "grades.csv"
    data.write_text("hours,grade\n" + "".join(f"{h},{h % 3 + 1}\n" for h in range(30)))
    assert main(["fit", str(data), "--target", "grade", "--epochs", "1", "--verbose", "0",
                 "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "Task: multi-class classification of 'grade' into 3 classes (1, 2, 3) (loss " in out
    assert "'grade' holds 3 integer values, taken as classes; pass --task regression to predict it as a number." in out
    assert main(["fit", str(data), "--target", "grade", "--epochs", "1", "--verbose", "0", "--task", "regression",
                 "--out", str(tmp_path / "b")]) == 0
    assert "Task: regression of 'grade' (loss mse, metric mae)." in capsys.readouterr().out


@pytest.mark.parametrize("content, arguments, message", [
    ("a,b\n1,2\n3,4\n", ["--target", "c"], "target column 'c' not found in {csv}. The columns are: a, b."),
    ("", ["--target", "a"], "{csv} is empty: a CSV file needs a header row and at least one data row."),
    (b"\x89PNG\r\n\x1a\n\0\0\0", ["--target", "a"],
     "{csv} is not a CSV file: it holds binary data (it starts with b'\\x89PNG\\r\\n\\x1a\\n')."),
    ("a,b\n", ["--target", "a"], "{csv} has a header row but no data rows."),
    ("x,y\n1,cat\n2,cat\n3,cat\n", ["--target", "y"],
     "the target 'y' has only one class ('cat') in the 3 usable rows: there is nothing to learn."),
    ("name,y\n" + "".join(f"n{i},{i % 2}\n" for i in range(20)), ["--target", "y"],
     "no usable feature columns besides the target 'y' ('name': identifier-like text (20 distinct values "
     "in 20 rows))."),
    ("y\n1\n2\n", ["--target", "y"], "no usable feature columns besides the target 'y' (the file has no other "
                                     "column)."),
    ("x,y\n1,a\n2,b\n", ["--target", "y", "--task", "regression"],
     "--task regression needs a numeric target, but 'y' holds text such as 'a'."),
    ("x,y\n1,2\n", ["--target", "y", "--epochs", "0"], "--epochs and --batch-size must be at least 1"),
])
def test_bad_input_is_a_clear_error_with_exit_status_1(tmp_path, capsys, content, arguments, message):
    data = tmp_path / "data.csv"
    data.write_bytes(content if isinstance(content, bytes) else content.encode())
    code = main(["fit", str(data), *arguments, "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("strata fit: error: ")
    assert message.format(csv=data) in err, err
    assert not (tmp_path / "run" / "model.keras").exists()


def test_missing_file_and_bad_options(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "nope.csv"), "--target", "a"]) == 1
    assert f"strata fit: error: {tmp_path / 'nope.csv'}: no such file." in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "x.csv", "--target", "a", "--layers", "64,zero"])
    assert exit_info.value.code == 2
    assert "expected positive layer widths separated by commas" in capsys.readouterr().err


def test_console_script_error_has_no_traceback(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("mpg,weight\n1,2\n3,4\n")
    result = run("fit", data, "--target", "MPG")
    assert result.returncode == 1 and result.stdout.startswith("Read ")
    assert result.stderr == (f"strata fit: error: target column 'MPG' not found in {data}. "
                             "The columns are: mpg, weight.\n")
