"""The ``strata`` command line: ``convert`` (legacy .h5 -> .keras) and ``inspect``."""

import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from strata.cli.main import main
from strata.layers import Dense, Input
from strata.models import Sequential
from strata.saving import load_model
from strata.saving.legacy_h5 import load_legacy_h5

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "tf_keras"


def _expected():
    return dict(np.load(FIXTURES / "expected.npz"))


def test_convert_tf_keras_model_then_load_gives_identical_predictions(tmp_path, capsys):
    target = tmp_path / "two_io.keras"
    assert main(["convert", str(FIXTURES / "two_io_functional.h5"), str(target)]) == 0
    out = capsys.readouterr().out
    assert "Converted" in out and "Functional 'two_io', 7 layers, 55 parameters, compiled." in out
    data = _expected()
    inputs = [data["fun_a"], data["fun_b"]]
    converted = load_model(target)
    original = load_legacy_h5(FIXTURES / "two_io_functional.h5")
    for a, b in zip(converted.predict(inputs, verbose=0), original.predict(inputs, verbose=0)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(converted.predict(inputs, verbose=0)[0], data["fun_value"], atol=1e-6)
    assert converted.compiled and int(converted.optimizer.iterations.numpy()) == 2
    for a, b in zip(converted.optimizer.variables, original.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_convert_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "m.keras"
    target.write_bytes(b"keep me")
    assert main(["convert", str(FIXTURES / "mlp_sequential.h5"), str(target)]) == 1
    assert "already exists. Pass --force to overwrite it." in capsys.readouterr().err
    assert target.read_bytes() == b"keep me"
    assert main(["convert", "--force", "--no-compile", str(FIXTURES / "mlp_sequential.h5"), str(target)]) == 0
    assert "not compiled" in capsys.readouterr().out
    assert not load_model(target).compiled


@pytest.mark.parametrize("source,target,message", [
    ("missing.h5", "out.keras", r"missing.h5: no such file or directory"),
    ("mlp_sequential.h5", "out.h5", r"the destination must end in `.keras`"),
    ("mlp_sequential_weights.h5", "out.keras", r"holds only weights .* not a model"),
    ("expected.npz", "out.keras", r"not a legacy HDF5 model: it is a Keras 3 model archive"),
])
def test_convert_errors(tmp_path, capsys, source, target, message):
    src = FIXTURES / source if source != "missing.h5" else tmp_path / source
    assert main(["convert", str(src), str(tmp_path / target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("strata convert: error:")
    assert re.search(message, err)
    assert not (tmp_path / target).exists()


def test_inspect_legacy_model(capsys):
    assert main(["inspect", str(FIXTURES / "mlp_sequential.h5")]) == 0
    out = capsys.readouterr().out
    assert "Format:         legacy HDF5 model (.h5)" in out
    assert "Keras version:  2.15.0 (backend: tensorflow)" in out
    assert "Layers:         3" in out and "Parameters:     43 (43 trainable, 0 non-trainable)" in out
    assert "optimizer=Adam(learning_rate=0.001), loss='sparse_categorical_crossentropy'" in out
    assert 'Model: "mlp"' in out and "hidden (Dense)" in out and "Total params: 43" in out


def test_inspect_keras_file_prints_metadata_and_summary(tmp_path, capsys):
    model = Sequential([Input((4,)), Dense(3, activation="relu"), Dense(1)], name="small")
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.save(tmp_path / "small.keras")
    assert main(["inspect", str(tmp_path / "small.keras")]) == 0
    out = capsys.readouterr().out
    lines = dict(line.split(":", 1) for line in out.splitlines()[:8])
    assert lines["Format"].strip() == "Keras 3 model archive (.keras)"
    assert lines["Keras version"].strip() == "3.15.1"
    assert lines["Saved"].strip()[:4].isdigit() and "@" in lines["Saved"]
    assert lines["Model"].strip() == '"small" (Sequential)'
    assert lines["Parameters"].strip() == "19 (19 trainable, 0 non-trainable)"
    assert "optimizer=SGD(learning_rate=0.01), loss='mse', metrics=['mae']" in lines["Compiled with"]
    summary = []
    model.summary(print_fn=lambda text, *a, **k: summary.append(text.rstrip("\n")))
    assert "\n".join(summary) in out


def test_inspect_weights_files(tmp_path, capsys):
    model = Sequential([Input((3,)), Dense(2, name="d")])
    model.save_weights(tmp_path / "w.weights.h5")
    assert main(["inspect", str(tmp_path / "w.weights.h5")]) == 0
    out = capsys.readouterr().out
    assert "Keras 3 weights store (.weights.h5)" in out and "2 arrays, 8 values" in out
    assert "layers/dense/vars/0  (3, 2)" in out
    assert main(["inspect", str(FIXTURES / "mlp_sequential_weights.h5")]) == 0
    out = capsys.readouterr().out
    assert "legacy HDF5 weights" in out and "hidden/hidden/kernel:0  (4, 5)" in out


def test_inspect_errors(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["inspect", str(tmp_path / "notes.txt")]) == 1
    assert "not a .keras archive or an HDF5 file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_help_text(capsys):
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    out = capsys.readouterr().out
    assert "usage: strata convert" in out and "--force" in out and "NEW.keras" in out


def test_runs_as_a_module_in_a_subprocess(tmp_path):
    source = tmp_path / "m.h5"
    shutil.copy(FIXTURES / "mlp_sequential.h5", source)
    result = subprocess.run([sys.executable, "-m", "strata.cli.main", "convert", str(source),
                             str(tmp_path / "m.keras")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Sequential 'mlp', 3 layers, 43 parameters, compiled." in result.stdout
    result = subprocess.run([sys.executable, "-m", "strata.cli.main", "inspect", str(tmp_path / "m.keras")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "hidden (Dense)" in result.stdout


def test_version_option_names_strata_and_the_keras_api_it_reproduces():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "strata", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "strata 0.1.0 (the Keras 3.15.1 API)"
