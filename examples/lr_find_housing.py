"""Finding a learning rate on California housing (Géron, *Hands-On ML*, ch. 11), with lr_find.

Run: python examples/lr_find_housing.py [--data-dir ../shared/datasets] [--out-dir .] [--epochs 10]

Géron trains for one epoch while growing the learning rate exponentially, plots the loss against
the rate on a log axis, and picks a rate about ten times below the bottom of the curve.  The book
writes that sweep as a callback; ``strata.tuner.lr_find`` runs it as one compiled program and puts
the model back exactly as it was.  The program then trains with the suggested rate.
"""

import argparse
import os

import numpy as np

import strata as keras
from strata.datasets import california_housing
from strata.tuner.lr_find import lr_find


def load(data_dir=None):
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(data_dir=data_dir)
    y_train, y_test = y_train / 100_000, y_test / 100_000  # in units of $100,000, as the book
    return (x_train, y_train.astype("float32")), (x_test, y_test.astype("float32"))


def build_model(x_train):
    normalizer = keras.layers.Normalization()
    normalizer.adapt(x_train)
    model = keras.Sequential([
        keras.Input((8,)),
        normalizer,
        keras.layers.Dense(30, activation="relu"),
        keras.layers.Dense(30, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    return model


def main(data_dir=None, out_dir=".", epochs=10, train_rows=None, verbose=0):
    keras.utils.set_random_seed(42)
    (x_train, y_train), (x_test, y_test) = load(data_dir)
    if train_rows:
        x_train, y_train = x_train[:train_rows], y_train[:train_rows]
    model = build_model(x_train)
    result = lr_find(model, x_train, y_train, min_lr=1e-5, max_lr=10.0, batch_size=32)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "lr_find.png")
    result.plot().savefig(path)
    best = result.lrs[int(np.argmin(result.smoothed_losses))]
    print(f"{len(result.lrs)} steps from {result.lrs[0]:.1e} to {result.lrs[-1]:.2e}"
          f"{' (stopped: the loss exploded)' if result.stopped_early else ''}; lowest smoothed loss "
          f"{result.smoothed_losses.min():.3f} at {best:.2e}; suggestion {result.suggestion:.2e}; saved {path}")
    model.optimizer.learning_rate = result.suggestion
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=verbose)
    test_mse = model.evaluate(x_test, y_test, verbose=0)
    print(f"trained {epochs} epochs at {result.suggestion:.2e}: train MSE {history.history['loss'][-1]:.3f}, "
          f"test MSE {test_mse:.3f}")
    return result, history, test_mse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("STRATA_DATASETS_DIR"))
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    main(args.data_dir, args.out_dir, args.epochs, verbose=2)
