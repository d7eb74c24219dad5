"""Benchmark row: the learning-rate sweep on California housing, strata vs a Keras callback.

Usage: python bench/lr_find_workload.py LIBRARY [lr_find] [--data-dir DIR]   (this process: one JSON line)
       python bench/lr_find_workload.py both [--data-dir DIR]     (fresh processes; prints the rows)
       python bench/run.py --only lr_find                          (the same row among the others)

Both sweep the rate exponentially from 1e-5 to 10 over one epoch of 32-row batches (516 steps on
the 16,512 training rows) with SGD on Géron's ch. 10 regression network (Normalization, Dense 30,
Dense 30, Dense 1), stop once the loss passes 4x its best, and put the weights back afterwards.
strata runs ``strata.tuner.lr_find`` (one compiled scan).  Keras runs the hand-written sweep of the
book: a callback multiplying the rate by a constant after each batch, recording the loss and setting
``stop_training``, around ``get_weights``/``set_weights`` (Keras 3, JAX backend).  ``sweep`` is the
sweep's wall time, compilation included; ``steps`` how many batches it trained.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

MIN_LR, MAX_LR, BATCH = 1e-5, 10.0, 32


def build(lib, x):
    normalizer = lib.layers.Normalization()
    normalizer.adapt(x)
    model = lib.Sequential([lib.Input((8,)), normalizer, lib.layers.Dense(30, activation="relu"),
                            lib.layers.Dense(30, activation="relu"), lib.layers.Dense(1)])
    model.compile(loss="mse", optimizer=lib.optimizers.SGD(learning_rate=MIN_LR))
    return model


def keras_sweep(lib, model, x, y, steps):
    import numpy as np

    factor = (MAX_LR / MIN_LR) ** (1 / (steps - 1))

    class ExponentialLearningRate(lib.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.rates, self.losses = [], []

        def on_batch_end(self, batch, logs=None):
            rate = float(np.asarray(self.model.optimizer.learning_rate))
            self.rates.append(rate)
            self.losses.append(logs["loss"])
            if not np.isfinite(logs["loss"]) or logs["loss"] > 4 * min(self.losses):
                self.model.stop_training = True
            self.model.optimizer.learning_rate = rate * factor

    initial = model.get_weights()
    sweep = ExponentialLearningRate()
    model.fit(x, y, epochs=1, batch_size=BATCH, callbacks=[sweep], verbose=0)
    model.set_weights(initial)
    return len(sweep.rates)


def run(library: str, data_dir: str | None) -> dict:
    started = time.perf_counter()
    if library == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras as lib
    else:
        import strata as lib
    from strata.datasets import california_housing

    (x, y), _ = california_housing.load_data(data_dir=data_dir)
    y = (y / 100_000).astype("float32")
    lib.utils.set_random_seed(42)
    model = build(lib, x)
    steps = -(-len(x) // BATCH)
    start = time.perf_counter()
    if library == "keras":
        done = keras_sweep(lib, model, x, y, steps)
    else:
        from strata.tuner.lr_find import lr_find

        result = lr_find(model, x, y, min_lr=MIN_LR, max_lr=MAX_LR, steps=steps, batch_size=BATCH)
        done = len(result.lrs)
    sweep = time.perf_counter() - start
    return {"sweep": sweep, "steps": done, "ms_per_step": 1000 * sweep / done,
            "in_process": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("library", choices=["strata", "keras", "both"])
    parser.add_argument("workload", nargs="?", default="lr_find", choices=["lr_find"])  # run.py's calling form
    parser.add_argument("--data-dir", default=os.environ.get("STRATA_DATASETS_DIR"))
    args = parser.parse_args()
    if args.library != "both":
        print(json.dumps(run(args.library, args.data_dir)))
        return
    import tempfile

    results = {}
    with tempfile.TemporaryDirectory() as home:  # strata cold (empty compilation cache), then warm
        env = dict(os.environ, STRATA_HOME=home, KERAS_HOME=home)
        for name, library in (("strata", "strata"), ("strata_warm", "strata"), ("keras", "keras")):
            command = [sys.executable, os.path.abspath(__file__), library]
            if args.data_dir:
                command += ["--data-dir", args.data_dir]
            out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    s, k = results["strata"], results["keras"]
    print(f"{'workload':<22}{'metric':<26}{'strata':>10}{'keras':>10}{'ratio':>8}")
    print(f"{'lr_find':<22}{'sweep s (incl. compile)':<26}{s['sweep']:>10.3f}{k['sweep']:>10.3f}"
          f"{k['sweep'] / s['sweep']:>7.2f}x")
    w = results["strata_warm"]
    print(f"{'lr_find':<22}{'sweep s, warm cache':<26}{w['sweep']:>10.3f}{k['sweep']:>10.3f}"
          f"{k['sweep'] / w['sweep']:>7.2f}x")
    print(f"{'lr_find':<22}{'ms per step, warm cache':<26}{w['ms_per_step']:>10.3f}{k['ms_per_step']:>10.3f}"
          f"{k['ms_per_step'] / w['ms_per_step']:>7.2f}x")
    print(f"{'lr_find':<22}{'in-process s (all)':<26}{s['in_process']:>10.3f}{k['in_process']:>10.3f}"
          f"{k['in_process'] / s['in_process']:>7.2f}x")
    print(f"{'lr_find':<22}{'steps before the stop':<26}{s['steps']:>10d}{k['steps']:>10d}")


if __name__ == "__main__":
    main()
