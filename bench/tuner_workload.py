"""The tuner row: 20 trials of the iris network (widths, depths, learning rates; 60 epochs each),
strata.tuner vs KerasTuner 1.4.8 on Keras 3 (JAX backend), one fresh process each; prints a JSON line.

Usage: python bench/tuner_workload.py LIBRARY [tuner] [--trials 20] [--epochs 60] [--data-dir DIR]
                                      [--parallel-trials N]
  LIBRARY: strata | keras
``--parallel-trials N`` (strata only) trains up to N trials at once, those of one depth in one vmapped
program; the default 1 is the sequential search, which KerasTuner's is compared with.  On the 2-core
CPU of 2026-12-06 the sequential search was the faster (cold search 11.8/12.6/14.7 s against
16.7/17.4/19.8 s with ``--parallel-trials 20``, interleaved): both compile one program per depth, and
XLA:CPU took about 50% longer to compile the vmapped one (13.8 s against 9.0 s for the three, in
profiled runs).
``--memory`` also records the resident set size (RSS, MiB) after each trial, to show whether memory
stays flat over many trials (``--trials 100``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time

T0 = time.perf_counter()


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def architecture(values: dict) -> tuple:
    """The hidden widths a trial's values build (units of inactive layers left out)."""
    return tuple(values[f"units_{i}"] for i in range(values["num_layers"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", choices=["strata", "keras"])
    parser.add_argument("workload", nargs="?", default="tuner", choices=["tuner"])  # as bench/run.py calls it
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--data-dir", default=os.environ.get("STRATA_DATASETS_DIR"))
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--parallel-trials", type=int, default=None)
    args = parser.parse_args()
    if args.library == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras as lib
        import keras_tuner as kt
    else:
        import strata as lib
        from strata import tuner as kt
    import numpy as np
    import pandas as pd

    imported = time.perf_counter() - T0
    data_dir = args.data_dir or os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets")
    df = pd.read_csv(os.path.join(data_dir, "iris", "iris.csv"), na_values=["NA", "?"])
    x = df[["sepal_l", "sepal_w", "petal_l", "petal_w"]].values.astype("float32")
    species = sorted(df["species"].unique())
    y = np.array([species.index(s) for s in df["species"]], dtype="int32")
    order = np.random.default_rng(42).permutation(len(x))
    x, y = x[order], y[order]
    x_train, y_train, x_val, y_val = x[:110], y[:110], x[110:], y[110:]

    def build_model(hp):
        model = lib.Sequential()
        model.add(lib.layers.Input((4,)))
        for i in range(hp.Int("num_layers", 1, 3)):
            model.add(lib.layers.Dense(hp.Int(f"units_{i}", 4, 32, step=4), activation="relu"))
        model.add(lib.layers.Dense(3, activation="softmax"))
        model.compile(optimizer=lib.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    memory: list[float] = []
    started = time.perf_counter()
    extra = {}
    if args.library == "strata" and args.parallel_trials:  # strata's addition: trials train together
        extra["parallel_trials"] = args.parallel_trials
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=args.trials, seed=1,
                            directory=tempfile.mkdtemp(), project_name="iris", **extra)
    if args.memory:  # RSS after every trial, recorded by the oracle (a callback would be a user callback)
        end_trial = tuner.oracle.end_trial

        def recording_end_trial(trial, *a, **k):
            result = end_trial(trial, *a, **k)
            memory.append(round(rss_mib(), 1))
            return result

        tuner.oracle.end_trial = recording_end_trial
    tuner.search(x_train, y_train, epochs=args.epochs, validation_data=(x_val, y_val), verbose=0)
    searched = time.perf_counter() - started
    best = tuner.oracle.get_best_trials(1)[0]
    result = {"import": imported, "search": searched, "total": time.perf_counter() - T0,
              "trials": len(tuner.oracle.trials), "best_val_accuracy": float(best.score),
              "architectures": len({architecture(t.hyperparameters.values) for t in tuner.oracle.trials.values()})}
    if args.memory:
        result["rss_mib"] = memory
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
