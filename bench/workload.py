"""One benchmark workload in one fresh process, for strata or real Keras; prints a JSON line.

Usage: python bench/workload.py LIBRARY WORKLOAD [--data-dir DIR]
  LIBRARY:  strata | keras          (keras runs on its JAX backend)
  WORKLOAD: iris | auto_mpg | xor | mnist_mlp | import

Timings: ``process`` is measured by the caller; here ``total`` runs from before model construction
to the end of fit, ``startup`` is build + first epoch minus one steady epoch, ``epoch`` the median of
later epochs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

T0 = time.perf_counter()


def training_callbacks(lib) -> list:
    """EarlyStopping (restoring the best weights), ModelCheckpoint(save_best_only) and CSVLogger."""
    import tempfile

    folder = tempfile.mkdtemp()
    return [lib.callbacks.EarlyStopping(monitor="val_loss", patience=1000, restore_best_weights=True),
            lib.callbacks.ModelCheckpoint(os.path.join(folder, "best.keras"), save_best_only=True),
            lib.callbacks.CSVLogger(os.path.join(folder, "log.csv"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", choices=["strata", "keras"])
    parser.add_argument("workload", choices=["iris", "auto_mpg", "xor", "mnist_mlp", "import", "mnist_mlp_per_step",
                                             "mnist_mlp_callbacks", "iris_callbacks", "iris_validation"])
    parser.add_argument("--data-dir", default=os.environ.get("STRATA_DATASETS_DIR"))
    args = parser.parse_args()
    if args.library == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras as lib
    else:
        import strata as lib
    import numpy as np
    import pandas as pd

    imported = time.perf_counter() - T0
    if args.workload == "import":
        print(json.dumps({"import": imported}))
        return

    epoch_times: list[float] = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_times.append(time.perf_counter() - self.start)

    class BatchHook(lib.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    layers = lib.layers
    data_dir = args.data_dir
    callbacks = []
    if args.workload in ("iris", "iris_callbacks", "iris_validation"):
        df = pd.read_csv(os.path.join(data_dir, "iris", "iris.csv"), na_values=["NA", "?"])
        x = df[["sepal_l", "sepal_w", "petal_l", "petal_w"]].values.astype("float32")
        y = pd.get_dummies(df["species"]).values.astype("float32")
        start = time.perf_counter()
        model = lib.Sequential([layers.Input((4,)), layers.Dense(50, activation="relu"),
                                layers.Dense(25, activation="relu"), layers.Dense(3, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        fit_kwargs = dict(epochs=100, verbose=0)
        if args.workload == "iris_validation":  # the baseline of iris_callbacks: same split, no callbacks
            fit_kwargs.update(validation_split=0.25)
        if args.workload == "iris_callbacks":  # the course's set: never stops within 100 epochs here
            fit_kwargs.update(validation_split=0.25, callbacks=training_callbacks(lib))
    elif args.workload == "auto_mpg":
        df = pd.read_csv(os.path.join(data_dir, "auto_mpg", "auto-mpg.csv"), na_values=["NA", "?"])
        df["horsepower"] = df["horsepower"].fillna(df["horsepower"].median())
        x = df[["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]].values
        x = x.astype("float32")
        y = df["mpg"].values.astype("float32")
        start = time.perf_counter()
        model = lib.Sequential([layers.Input((7,)), layers.Dense(25, activation="relu"),
                                layers.Dense(10, activation="relu"), layers.Dense(1)])
        model.compile(loss="mean_squared_error", optimizer="adam")
        fit_kwargs = dict(epochs=100, verbose=0)
    elif args.workload == "xor":
        x = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], "float32")
        y = np.array([0, 1, 1, 0], "float32")
        start = time.perf_counter()
        model = lib.Sequential([layers.Input((2,)), layers.Dense(2, activation="relu"), layers.Dense(1)])
        model.compile(loss="mean_squared_error", optimizer="adam")
        fit_kwargs = dict(epochs=10000, verbose=0)
    else:
        with np.load(os.path.join(data_dir, "mnist", "mnist.npz")) as d:
            x, labels = d["x_train"], d["y_train"]
            vx, vlabels = d["x_test"], d["y_test"]
        x = (x.reshape(-1, 784) / 255.0).astype("float32")
        vx = (vx.reshape(-1, 784) / 255.0).astype("float32")
        y = np.eye(10, dtype="float32")[labels]
        vy = np.eye(10, dtype="float32")[vlabels]
        start = time.perf_counter()
        model = lib.Sequential([layers.Input((784,)), layers.Dense(128, activation="relu"), layers.Dropout(0.3),
                                layers.Dense(64, activation="tanh"), layers.Dropout(0.2),
                                layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
        fit_kwargs = dict(epochs=3, batch_size=128, validation_data=(vx, vy), verbose=0)
        if args.workload == "mnist_mlp_per_step":
            callbacks.append(BatchHook())
        if args.workload == "mnist_mlp_callbacks":
            callbacks += training_callbacks(lib)
    timed = args.workload.startswith("mnist")
    if timed:
        fit_kwargs["callbacks"] = [Timer()] + callbacks
    model.fit(x, y, **fit_kwargs)
    total = time.perf_counter() - start
    if timed:
        epoch = statistics.median(epoch_times[1:] or epoch_times)
    else:  # a second, warm fit of the same length gives the steady cost per epoch
        again = time.perf_counter()
        model.fit(x, y, **fit_kwargs)
        epoch = (time.perf_counter() - again) / fit_kwargs["epochs"]
    result = {"import": imported, "total": total, "epoch": epoch, "step": epoch / -(-len(x) // 128),
              "startup": total - epoch * fit_kwargs["epochs"]}
    started = time.perf_counter()
    model.predict(x, verbose=0)
    result["predict_cold"] = time.perf_counter() - started
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
