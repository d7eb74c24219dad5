"""The course's image programs: the MNIST CNN in both APIs and the cats-vs-dogs folder program."""

import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
from compile_level import default_compile_environment
from example_loader import load_example

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cats_vs_dogs")
    load_example("cats_vs_dogs").make_demo_folder(folder, per_class=40, size=(60, 80))
    return folder


def test_mnist_cnn_has_the_course_summary_in_both_apis(capsys):
    module = load_example("mnist_cnn")
    for build in (module.sequential_cnn, module.functional_cnn):
        model = build()
        model.summary()
        assert model.count_params() == 104_202
    out = capsys.readouterr().out
    assert out.count("Total params: 104,202 (407.04 KB)") == 2
    for row in ("(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)", "(None, 5, 5, 64)",
                "(None, 3, 3, 128)", "(None, 1152)", "18,496", "73,856", "11,530"):
        assert row in out


_MNIST_CNN = """
import json, sys
sys.path.insert(0, {examples!r})
import mnist_cnn
history, accuracy = mnist_cnn.main(epochs=2, api="sequential", data_dir={data!r}, verbose=2)
print(json.dumps({{"accuracy": accuracy}}))
"""


@pytest.mark.slow
@pytest.mark.last
def test_mnist_cnn_reaches_98_5_percent_in_two_epochs(shared_datasets):
    # The functional build has the same layers and summary (checked above); one API trains here.  A
    # fresh process at XLA's default optimization level runs it as a user does (compile_level.py).
    code = _MNIST_CNN.format(examples=str(ROOT / "examples"), data=str(shared_datasets))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900,
                          env=default_compile_environment())
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert json.loads(out.strip().splitlines()[-1])["accuracy"] >= 0.985
    assert re.search(r"^1875/1875 - \d+s - \d+(us|ms|s)/step - accuracy: 0\.\d{4} - loss: \d\.\d{4} - "
                     r"val_accuracy: 0\.\d{4} - val_loss: \d\.\d{4}$", out, re.M)


def test_cats_vs_dogs_program_trains_from_a_folder(demo_folder, capsys):
    module = load_example("cats_vs_dogs")
    model, history = module.main(demo_folder, epochs=2, image_size=48, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert "Found 80 files belonging to 2 classes." in out
    assert "Using 64 files for training." in out and "Using 16 files for validation." in out
    assert "Classes: ['cat', 'dog']" in out
    assert re.search(r"^4/4 - \d+s - \d+(us|ms|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - "
                     r"val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$", out, re.M)
    assert len(history.history["val_accuracy"]) == 2
    assert all(np.isfinite(v) for v in history.history["loss"])


_RUN_TWICE = """
import hashlib, json, sys
sys.path.insert(0, {examples!r})
import cats_vs_dogs
model, history = cats_vs_dogs.main({folder!r}, epochs=2, image_size=32, batch_size=16, verbose=0)
digest = hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights())).hexdigest()
print(json.dumps({{"digest": digest, "history": history.history}}))
"""


def test_folder_streamed_fit_with_augmentation_is_bit_identical_in_fresh_processes(demo_folder, tmp_path):
    script = _RUN_TWICE.format(examples=str(ROOT / "examples"), folder=str(demo_folder))
    runs = []
    for i in range(2):
        env = dict(os.environ, STRATA_HOME=str(tmp_path / f"home{i}"))  # no shared program cache either
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert runs[0] == runs[1]
