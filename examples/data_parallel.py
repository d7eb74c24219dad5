"""Data-parallel training of the MNIST MLP on every device there is (issue 16).

Run: python examples/data_parallel.py [--epochs 3] [--samples 60000] [--data-dir ../shared/datasets]

The same program runs on one CPU, on several GPUs, or on N virtual CPU devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=N``): ``DataParallel`` keeps a copy of the model
on each device and splits every batch across them, so the global batch is a multiple of the
device count.  The trained model is saved from the devices and reloaded on one device.
Reads MNIST from --data-dir or STRATA_DATASETS_DIR when given, else downloads it.
"""

import argparse
import os
import tempfile

import numpy as np

import strata as keras
from strata import layers
from strata.datasets import mnist

PER_DEVICE_BATCH = 64


def load(data_dir=None, samples=None):
    (x_train, y_train), (x_test, y_test) = mnist.load_data(data_dir=data_dir)
    x_train = x_train[:samples].reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
    return (x_train, y_train[:samples]), (x_test, y_test)


def mlp():
    return keras.Sequential([
        layers.Input(shape=(784,)),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(64, activation="tanh"),
        layers.Dense(10, activation="softmax"),
    ])


def train(data, epochs=3, verbose=2):
    """Train on all devices; return the accuracy and the largest gap between the predictions made
    on the devices and those of the saved model reloaded on one device."""
    (x_train, y_train), (x_test, y_test) = data
    devices = keras.distribution.list_devices()
    batch_size = PER_DEVICE_BATCH * len(devices)  # each device gets PER_DEVICE_BATCH rows of a batch
    print(f"Training on {len(devices)} device(s) {devices}, global batch {batch_size}")
    with keras.distribution.DataParallel(devices=devices).scope():
        model = mlp()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose)
        _, accuracy = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
        predictions = model.predict(x_test[:256], verbose=0)
        path = os.path.join(tempfile.mkdtemp(), "mlp.keras")
        model.save(path)  # gathers the variables from the devices
    reloaded = keras.models.load_model(path)  # no distribution: one device
    gap = float(np.abs(reloaded.predict(x_test[:256], verbose=0) - predictions).max())
    print(f"Test accuracy: {accuracy:.4f}; reloaded on one device, predictions differ by at most {gap:.1e}")
    return accuracy, gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    keras.utils.set_random_seed(13)
    train(load(args.data_dir, args.samples), epochs=args.epochs)


if __name__ == "__main__":
    main()
