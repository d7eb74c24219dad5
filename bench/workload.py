"""One benchmark workload in one fresh process, for strata or real Keras; prints a JSON line.

Usage: python bench/workload.py LIBRARY WORKLOAD [--data-dir DIR]
  LIBRARY:  strata | keras | keras-tf   (keras runs on its JAX backend, keras-tf on TensorFlow: run that
            one with the Python of a venv that has tensorflow-cpu, see run.py --tf-python)
  WORKLOAD: iris | auto_mpg | xor | mnist_mlp | mnist_cnn | cats_folder | traffic_lstm | lstm_long | import | ...

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
    parser.add_argument("library", choices=["strata", "keras", "keras-tf"])
    parser.add_argument("workload", choices=["iris", "auto_mpg", "xor", "mnist_mlp", "import", "mnist_mlp_per_step",
                                             "mnist_mlp_callbacks", "iris_callbacks", "iris_validation",
                                             "mnist_cnn", "cats_folder", "mnist_mlp_train_step_override",
                                             "traffic_lstm", "traffic_lstm_epoch", "lstm_long", "vgg16_features",
                                             "vgg16_head", "vgg16_finetune"])
    parser.add_argument("--data-dir", default=os.environ.get("STRATA_DATASETS_DIR"))
    parser.add_argument("--folder", default=None, help="cats_folder: the image folder (made if missing)")
    args = parser.parse_args()
    if args.library.startswith("keras"):
        os.environ["KERAS_BACKEND"] = "tensorflow" if args.library == "keras-tf" else "jax"
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
    if args.workload == "vgg16_features":
        print(json.dumps(vgg16_features(lib, imported)))
        return
    if args.workload in ("vgg16_head", "vgg16_finetune"):  # issue 12: transfer-learning steps
        print(json.dumps((vgg16_head if args.workload == "vgg16_head" else vgg16_finetune)(lib, imported)))
        return
    if args.workload in ("mnist_cnn", "cats_folder"):
        print(json.dumps(image_workload(lib, args, imported)))
        return
    if args.workload in ("traffic_lstm", "traffic_lstm_epoch", "lstm_long"):
        from sequence_workloads import sequence_workload

        print(json.dumps(sequence_workload(lib, args, imported)))
        return
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
        if args.workload == "mnist_mlp_train_step_override":  # the same network, trained by its own step
            model = train_step_override_model(lib, model)
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


def train_step_override_model(lib, sequential):
    """``sequential``'s graph as a ``Model`` subclass whose ``train_step`` is the Keras guide's JAX step
    (``stateless_call``, ``jax.value_and_grad``, ``compute_loss``, ``stateless_apply``, and a loop over
    ``self.metrics`` with ``stateless_update_state``)."""
    import jax

    class OverrideModel(lib.Model):
        def loss_and_updates(self, tv, ntv, x, y):
            y_pred, ntv = self.stateless_call(tv, ntv, x, training=True)
            return self.compute_loss(x, y, y_pred), (y_pred, ntv)

        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x, y = data
            (loss, (y_pred, ntv)), grads = jax.value_and_grad(self.loss_and_updates, has_aux=True)(tv, ntv, x, y)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            new_mv, logs = [], {}
            for metric in self.metrics:
                this = mv[len(new_mv):len(new_mv) + len(metric.variables)]
                this = (metric.stateless_update_state(this, loss) if metric.name == "loss"
                        else metric.stateless_update_state(this, y, y_pred))
                logs[metric.name] = metric.stateless_result(this)
                new_mv += this
            return logs, (tv, ntv, ov, new_mv)

    inputs = lib.Input((784,))
    outputs = inputs
    for layer in sequential.layers:
        outputs = layer(outputs)
    return OverrideModel(inputs, outputs)


def vgg16_features(lib, imported: float) -> dict:
    """Feature extraction with the VGG16 convolutional base (random weights, 224x224, batch 32):
    ``predict`` on 64 images after a warm-up call on the same images; images per second of the timed call."""
    import numpy as np

    start = time.perf_counter()
    base = lib.applications.VGG16(weights=None, include_top=False, input_shape=(224, 224, 3))
    images = np.random.RandomState(0).uniform(0, 255, (64, 224, 224, 3)).astype("float32")
    base.predict(images, batch_size=32, verbose=0)  # traces and compiles (the same shapes as timed)
    first = time.perf_counter() - start
    timed = time.perf_counter()
    base.predict(images, batch_size=32, verbose=0)
    seconds = time.perf_counter() - timed
    return {"import": imported, "first": first, "epoch": seconds, "images_per_s": len(images) / seconds}


def transfer_head(lib, x):
    """The course's head on VGG16 features: Flatten, Dense(256, relu), Dropout(0.5), Dense(1, sigmoid)."""
    layers = lib.layers
    x = layers.Flatten()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    return layers.Dense(1, activation="sigmoid")(x)


def epoch_timer(lib, times: list[float]):
    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    return Timer()


def vgg16_head(lib, imported: float) -> dict:
    """The head trained on pre-extracted VGG16 features: random ``(2000, 5, 5, 512)`` float32 arrays
    (the conv base's output at 180x180), rmsprop, binary cross-entropy, batch 32 (63 steps), 5 epochs.
    ``epoch`` is the median of epochs 2-5, ``step`` that over 63; ``first`` includes the compile."""
    import numpy as np

    rng = np.random.RandomState(0)
    features = rng.uniform(0, 3, (2000, 5, 5, 512)).astype("float32")
    labels = rng.randint(0, 2, (2000,)).astype("float32")
    times: list[float] = []
    start = time.perf_counter()
    inputs = lib.Input(shape=(5, 5, 512))
    model = lib.Model(inputs, transfer_head(lib, inputs))
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    model.fit(features, labels, epochs=5, batch_size=32, verbose=0, callbacks=[epoch_timer(lib, times)])
    epoch = statistics.median(times[1:])
    return {"import": imported, "total": time.perf_counter() - start, "first": times[0], "epoch": epoch,
            "step": epoch / 63, "compile": times[0] - epoch}


def vgg16_finetune(lib, imported: float) -> dict:
    """Fine-tuning: VGG16's conv base (random weights, 150x150) with all but its last four layers frozen,
    the course head on top, RMSprop(1e-5), batch 32.  Two epochs of 4 steps on 128 random images:
    ``first`` includes the compile, ``step`` is the second epoch over its 4 steps."""
    import numpy as np

    rng = np.random.RandomState(0)
    images = rng.uniform(0, 255, (128, 150, 150, 3)).astype("float32")
    labels = rng.randint(0, 2, (128,)).astype("float32")
    times: list[float] = []
    start = time.perf_counter()
    conv_base = lib.applications.VGG16(weights=None, include_top=False, input_shape=(150, 150, 3))
    conv_base.trainable = True
    for layer in conv_base.layers[:-4]:
        layer.trainable = False
    inputs = lib.Input(shape=(150, 150, 3))
    model = lib.Model(inputs, transfer_head(lib, conv_base(inputs)))
    model.compile(loss="binary_crossentropy", optimizer=lib.optimizers.RMSprop(learning_rate=1e-5),
                  metrics=["accuracy"])
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    model.fit(images, labels, epochs=2, batch_size=32, verbose=0, callbacks=[epoch_timer(lib, times)])
    return {"import": imported, "total": time.perf_counter() - start, "first": times[0], "epoch": times[1],
            "step": times[1] / 4, "compile": times[0] - times[1], "trainable": trainable}


def image_workload(lib, args, imported: float) -> dict:
    """The course CNN on MNIST (batch 32, rmsprop), or the cats-vs-dogs program on a JPEG folder.

    Two epochs: ``first`` includes tracing and compiling, ``epoch`` is the second; ``compile`` is
    their difference.  ``cats_folder`` also reports training images per second of the second epoch.
    """
    import numpy as np

    layers = lib.layers
    times: list[float] = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    start = time.perf_counter()
    if args.workload == "mnist_cnn":
        with np.load(os.path.join(args.data_dir, "mnist", "mnist.npz")) as d:
            x, y = d["x_train"].reshape(-1, 28, 28, 1).astype("float32") / 255, d["y_train"]
        model = lib.Sequential([
            layers.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[Timer()])
        images = len(x)
    else:
        folder = args.folder or os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "cats_folder")
        if not os.path.isdir(folder):
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
            import cats_vs_dogs

            cats_vs_dogs.make_demo_folder(folder, per_class=1000, size=(300, 400))
        kwargs = {} if args.library != "keras" else {"format": "grain"}
        start = time.perf_counter()
        train_ds = lib.utils.image_dataset_from_directory(folder, image_size=(180, 180), batch_size=32,
                                                          seed=1, verbose=False, **kwargs)
        if args.library == "keras-tf":
            import tensorflow as tf

            train_ds = train_ds.prefetch(tf.data.AUTOTUNE)
        augment = lib.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1),
                                  layers.RandomZoom(0.2)])
        model = lib.Sequential([
            lib.Input(shape=(180, 180, 3)), augment, layers.Rescaling(1.0 / 255),
            layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Flatten(), layers.Dropout(0.5), layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
        model.fit(train_ds, epochs=2, verbose=0, callbacks=[Timer()])
        images = 2000
    total = time.perf_counter() - start
    return {"import": imported, "total": total, "first": times[0], "epoch": times[1],
            "compile": times[0] - times[1], "images_per_s": images / times[1]}


if __name__ == "__main__":
    sys.exit(main())
