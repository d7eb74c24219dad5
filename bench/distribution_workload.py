"""DataParallel overhead row (issue 16): the MNIST MLP and the course CNN on 2 virtual CPU devices vs 1.

Rows "mnist_mlp dp" and "mnist_cnn dp" (dp: DataParallel). Run by `bench/run.py --only distribution`, or
Usage: python bench/distribution_workload.py [--data-dir ../shared/datasets] [--cnn-samples 12000]
       python bench/distribution_workload.py --run mlp|cnn --devices N   (one measurement, JSON)

Each measurement is a fresh process with ``--xla_force_host_platform_device_count=N``: N=1 is plain
strata (no distribution), N=2 is ``DataParallel`` over both devices.  On a CPU the two virtual
devices share the same cores, so no speed-up is expected: the row shows what the distribution costs
(the all-reduce of the gradients and the sharding bookkeeping).  The epoch is timed after a first,
compiling epoch.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "datasets"


def measure(kind: str, devices: int, data_dir: str, cnn_samples: int) -> dict:
    import numpy as np

    import strata as keras
    from strata import layers

    with np.load(os.path.join(data_dir, "mnist", "mnist.npz")) as d:
        x, y = d["x_train"].astype("float32") / 255, d["y_train"]
    keras.utils.set_random_seed(1)
    if devices > 1:
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    if kind == "mlp":
        x = x.reshape(-1, 784)
        model = keras.Sequential([layers.Input((784,)), layers.Dense(128, activation="relu"), layers.Dropout(0.3),
                                  layers.Dense(64, activation="tanh"), layers.Dropout(0.2),
                                  layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
        batch_size, epochs = 128, 3
    else:
        x, y = x[:cnn_samples].reshape(-1, 28, 28, 1), y[:cnn_samples]
        model = keras.Sequential([
            layers.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        batch_size, epochs = 32, 1
    started = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
    first = time.perf_counter() - started
    started = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    epoch = (time.perf_counter() - started) / epochs
    return {"kind": kind, "devices": devices, "first": first, "epoch": epoch, "loss": history.history["loss"][-1]}


def run_in_process(kind: str, devices: int, data_dir: str, cnn_samples: int) -> dict:
    with tempfile.TemporaryDirectory() as home:  # an empty program cache: both first epochs compile
        env = dict(os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}", JAX_PLATFORMS="cpu",
                   STRATA_HOME=home)
        out = subprocess.run([sys.executable, __file__, "--run", kind, "--devices", str(devices), "--data-dir",
                              data_dir, "--cnn-samples", str(cnn_samples)], capture_output=True, text=True, env=env,
                             check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA))
    parser.add_argument("--cnn-samples", type=int, default=12000)
    parser.add_argument("--run", choices=["mlp", "cnn"])
    parser.add_argument("--devices", type=int, default=1)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(measure(args.run, args.devices, args.data_dir, args.cnn_samples)))
        return
    print(f"{'workload':<22}{'metric':<26}{'1 device':>10}{'2 devices':>10}{'overhead':>9}")
    for kind, label in (("mlp", "mnist_mlp dp"), ("cnn", "mnist_cnn dp")):
        one, two = (run_in_process(kind, n, args.data_dir, args.cnn_samples) for n in (1, 2))
        print(json.dumps({label: {"1": one, "2": two}}), file=sys.stderr, flush=True)
        overhead = (two["epoch"] / one["epoch"] - 1) * 100
        metric = "epoch s" if kind == "mlp" else f"epoch s ({args.cnn_samples} img)"
        print(f"{label:<22}{metric:<26}{one['epoch']:>10.3f}{two['epoch']:>10.3f}{overhead:>8.1f}%")
        print(f"{label:<22}{'first epoch s (compile)':<26}{one['first']:>10.3f}{two['first']:>10.3f}")


if __name__ == "__main__":
    main()
