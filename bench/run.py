"""Run every workload in strata and in real Keras (JAX backend), side by side, and print ratios.

Usage: python bench/run.py [--data-dir ../shared/datasets] [--repeats 3] [--only iris,xor]

Each measurement is a fresh process.  strata's *cold* runs use an empty compilation cache
(a new STRATA_HOME); *warm* runs are the same program again with that cache filled.  Keras has no
persistent cache by default, so its cold and warm runs are the same.  Medians of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "datasets"


TF_PYTHON = HERE / ".venv-tf" / "bin" / "python"
# Workloads also run on Keras's TensorFlow backend (the fastest Keras on CPU for convolutions).
TF_WORKLOADS = ("mnist_cnn", "cats_folder", "vgg16_features")


def run_once(library: str, workload: str, data_dir: str, env: dict, tf_python: str = str(TF_PYTHON)) -> dict:
    started = time.perf_counter()
    python = tf_python if library == "keras-tf" else sys.executable
    script = "lr_find_workload.py" if workload == "lr_find" else "workload.py"  # lr sweep row (issue 14)
    script = "tuner_workload.py" if workload == "tuner" else script  # tuner row (issue 14): 20 iris trials
    out = subprocess.run([python, str(HERE / script), library, workload, "--data-dir", data_dir],
                         capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def measure(library: str, workload: str, data_dir: str, repeats: int, tf_python: str = str(TF_PYTHON)) -> dict:
    cold, warm = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, STRATA_HOME=home, KERAS_HOME=home)
            cold.append(run_once(library, workload, data_dir, env, tf_python))
            if library == "strata":
                warm.append(run_once(library, workload, data_dir, env))
    return {"cold": median_of(cold), "warm": median_of(warm or cold)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tf-python", default=str(TF_PYTHON),
                        help="Python of a venv with tensorflow-cpu and keras, for the Keras-TF rows "
                             "(e.g. python -m venv bench/.venv-tf && bench/.venv-tf/bin/pip install "
                             "tensorflow-cpu keras pandas pillow); rows are skipped when it is missing")
    parser.add_argument("--only", default="import,iris,iris_validation,iris_callbacks,auto_mpg,xor,mnist_mlp,"
                                          "mnist_mlp_callbacks,mnist_mlp_per_step,mnist_cnn,cats_folder,"
                                          "mnist_mlp_train_step_override,traffic_lstm_epoch,traffic_lstm,lstm_long,"
                                          "vgg16_features,vgg16_head,vgg16_finetune,lr_find,tuner")
    args = parser.parse_args()
    rows = []
    for workload in args.only.split(","):
        if workload == "distribution":  # DataParallel overhead row (issue 16): its own driver and table
            subprocess.run([sys.executable, str(HERE / "distribution_workload.py"), "--data-dir", args.data_dir],
                           check=True)
            continue
        repeats = 1 if workload.startswith(("mnist", "traffic", "lstm", "vgg")) or workload in TF_WORKLOADS \
            else args.repeats
        repeats = 1 if workload == "tuner" else repeats  # each run is 20 trials (about a minute in Keras)
        libraries = ["strata", "keras"]
        if workload in TF_WORKLOADS and os.path.exists(args.tf_python):
            libraries.append("keras-tf")
        if workload == "cats_folder":
            libraries.remove("keras")  # Keras-JAX reads folders only through grain or TensorFlow
        results = {lib: measure(lib, workload, args.data_dir, repeats, args.tf_python) for lib in libraries}
        rows.append((workload, results))
        print(json.dumps({workload: results}), file=sys.stderr, flush=True)
    print(f"{'workload':<22}{'metric':<26}{'strata':>10}{'peer':>10}{'ratio':>8}")
    for workload, results in rows:
        s, k = results["strata"], results.get("keras")
        metrics = {
            "import": [("import s", "cold", "import")],
            "iris": [("process s, cold", "cold", "process"), ("process s, warm", "warm", "process"),
                     ("build+fit s, cold", "cold", "total"), ("start-up s, cold", "cold", "startup"),
                     ("start-up s, warm", "warm", "startup"), ("epoch ms", "warm", "epoch")],
            "xor": [("build+fit s, cold", "cold", "total"), ("build+fit s, warm", "warm", "total"),
                    ("epoch ms", "warm", "epoch")],
            "mnist_mlp": [("epoch s", "cold", "epoch"), ("build+fit s, cold", "cold", "total")],
            "mnist_mlp_per_step": [("epoch s (per-step hook)", "cold", "epoch"),
                                   ("ms per step (hook)", "cold", "step")],
            "iris_validation": [("epoch ms (validation)", "warm", "epoch")],
            "iris_callbacks": [("epoch ms (ES+MC+CSV)", "warm", "epoch"), ("process s, cold", "cold", "process")],
            "mnist_mlp_callbacks": [("epoch s (ES+MC+CSV)", "cold", "epoch")],
            "mnist_mlp_train_step_override": [("epoch s (own train_step)", "cold", "epoch"),
                                              ("build+fit s, cold", "cold", "total")],
            "mnist_cnn": [("epoch s", "cold", "epoch"), ("compile s", "cold", "compile")],
            "traffic_lstm": [("500 epochs, process s", "cold", "process"), ("build+fit s", "cold", "total")],
            "traffic_lstm_epoch": [("epoch ms", "cold", "epoch"), ("compile s", "cold", "compile")],
            "lstm_long": [("epoch s", "cold", "epoch"), ("compile s", "cold", "compile")],
            "vgg16_features": [("images/s (inverse ratio)", "cold", "images_per_s")],
            # issue 12: head on extracted features; fine-tuning the last four conv-base layers
            "vgg16_head": [("ms per step", "cold", "step"), ("epoch s", "cold", "epoch"),
                           ("first epoch s, cold", "cold", "first"), ("first epoch s, warm", "warm", "first")],
            "vgg16_finetune": [("ms per step", "cold", "step"), ("first epoch s, cold", "cold", "first"),
                               ("first epoch s, warm", "warm", "first")],
            "cats_folder": [("images/s (inverse ratio)", "cold", "images_per_s"), ("epoch s", "cold", "epoch")],
            "tuner": [("search s, cold", "cold", "search"), ("search s, warm", "warm", "search"),
                      ("process s, cold", "cold", "process")],
            "lr_find": [("sweep s, cold", "cold", "sweep"), ("sweep s, warm", "warm", "sweep"),
                        ("process s, cold", "cold", "process")],
        }.get(workload)
        if metrics is None:
            metrics = [("process s, cold", "cold", "process"), ("process s, warm", "warm", "process"),
                       ("build+fit s, cold", "cold", "total"), ("epoch ms", "warm", "epoch")]
        for label, temp, key in metrics:
            scale = 1000.0 if "ms" in label else 1.0
            sv = s[temp][key] * scale
            for peer in ("keras", "keras-tf"):
                if peer not in results or (peer == "keras-tf" and key == "compile"):
                    continue  # TensorFlow runs its graph without an XLA compile on the CPU
                pv = results[peer]["cold"][key] * scale
                ratio = sv / pv if key == "images_per_s" else pv / sv  # > 1: strata is faster
                name = workload if peer == "keras" else f"{workload} vs TF"
                print(f"{name:<22}{label:<26}{sv:>10.3f}{pv:>10.3f}{ratio:>7.2f}x")
    measured = dict(rows)
    if "mnist_mlp" in measured and "mnist_mlp_per_step" in measured:
        # What a per-batch callback costs: its epoch minus the plain epoch, per step.
        steps = measured["mnist_mlp"]["strata"]["cold"]["epoch"] / measured["mnist_mlp"]["strata"]["cold"]["step"]
        extra = {lib: (measured["mnist_mlp_per_step"][lib]["cold"]["epoch"]
                       - measured["mnist_mlp"][lib]["cold"]["epoch"]) / steps * 1000 for lib in ("strata", "keras")}
        print(f"{'mnist_mlp_per_step':<22}{'hook overhead ms/step':<26}{extra['strata']:>10.3f}{extra['keras']:>10.3f}")
    if "mnist_mlp" in measured and "mnist_mlp_train_step_override" in measured:
        # An overridden train_step should cost what the built-in step costs (both run fused).
        own = measured["mnist_mlp_train_step_override"]["strata"]["cold"]["epoch"]
        builtin = measured["mnist_mlp"]["strata"]["cold"]["epoch"]
        print(f"{'train_step override':<22}{'strata epoch s: own/built-in':<26}{own:>10.3f}{builtin:>10.3f}"
              f"{builtin / own:>7.2f}x")


if __name__ == "__main__":
    main()
