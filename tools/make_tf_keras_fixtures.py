"""Write the tf.keras 2.x fixture files used by tests/saving (real TensorFlow, not strata).

TensorFlow is not a dependency of strata. Run this script in a separate environment that has
TensorFlow 2.15 (whose ``tf.keras`` is Keras 2), for example::

    python3 -m venv /tmp/tfenv
    /tmp/tfenv/bin/pip install "tensorflow-cpu==2.15.*"
    /tmp/tfenv/bin/python tools/make_tf_keras_fixtures.py tests/fixtures/tf_keras

It builds two tiny models, trains each for one epoch (so the files hold a ``training_config`` and
optimizer weights), and writes:

- ``mlp_sequential.h5`` / ``mlp_sequential.json``: a Sequential MLP (Dense relu, Dropout, Dense
  softmax) declared the tf.keras 2 way, with ``input_shape=`` on its first layer;
- ``mlp_sequential_weights.h5``: the same weights from ``save_weights`` (weights-only layout);
- ``two_io_functional.h5`` / ``two_io_functional.json``: a functional model with two inputs, one
  Dense branch each, a Concatenate, and two Dense outputs;
- ``expected.npz``: the inputs and the ``predict`` outputs of both models, plus the versions used.
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np


def _sequential(tf):
    layers = tf.keras.layers
    model = tf.keras.Sequential(
        [
            layers.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
            layers.Dropout(0.25, name="dropout"),
            layers.Dense(3, activation="softmax", name="probs"),
        ],
        name="mlp",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.integers(0, 3, size=(32,))
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    return model


def _functional(tf):
    layers = tf.keras.layers
    a = tf.keras.Input(shape=(3,), name="a")
    b = tf.keras.Input(shape=(2,), name="b")
    left = layers.Dense(4, activation="tanh", name="left")(a)
    right = layers.Dense(4, activation="relu", name="right")(b)
    merged = layers.Concatenate(name="merge")([left, right])
    value = layers.Dense(1, name="value")(merged)
    label = layers.Dense(2, activation="softmax", name="label")(merged)
    model = tf.keras.Model(inputs=[a, b], outputs=[value, label], name="two_io")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.5])
    rng = np.random.default_rng(2)
    xa = rng.normal(size=(16, 3)).astype("float32")
    xb = rng.normal(size=(16, 2)).astype("float32")
    model.fit([xa, xb], [rng.normal(size=(16, 1)), rng.integers(0, 2, size=(16,))],
              batch_size=8, epochs=1, verbose=0)
    return model


def main(out_dir: str) -> None:
    import tensorflow as tf

    import keras  # the Keras package behind tf.keras

    keras_version = keras.__version__
    if not keras_version.startswith("2."):
        raise SystemExit(f"tf.keras must be Keras 2.x; found {keras_version!r} (TensorFlow {tf.__version__}).")
    tf.keras.utils.set_random_seed(0)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    mlp = _sequential(tf)
    mlp.save(out / "mlp_sequential.h5")
    mlp.save_weights(out / "mlp_sequential_weights.h5")
    (out / "mlp_sequential.json").write_text(mlp.to_json(indent=1))

    two_io = _functional(tf)
    two_io.save(out / "two_io_functional.h5")
    (out / "two_io_functional.json").write_text(two_io.to_json(indent=1))

    rng = np.random.default_rng(3)
    mlp_x = rng.normal(size=(6, 4)).astype("float32")
    fun_a = rng.normal(size=(5, 3)).astype("float32")
    fun_b = rng.normal(size=(5, 2)).astype("float32")
    value, label = two_io.predict([fun_a, fun_b], verbose=0)
    np.savez(
        out / "expected.npz",
        mlp_x=mlp_x,
        mlp_y=mlp.predict(mlp_x, verbose=0),
        fun_a=fun_a,
        fun_b=fun_b,
        fun_value=value,
        fun_label=label,
        tensorflow_version=np.array(tf.__version__),
        keras_version=np.array(keras_version),
    )
    print(f"wrote fixtures to {out} with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/tf_keras")
