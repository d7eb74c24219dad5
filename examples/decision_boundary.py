"""The Neural Network Playground's quadrant data set, learned by a small Keras network.

Run: python examples/decision_boundary.py [--out-dir .] [--epochs 60]

The course draws 200 points in the square [-2, 2] x [-2, 2]; a point is blue (class 1) when
``x1 * x2 > 0`` (top-right and bottom-left quadrants), orange otherwise.  No straight line separates
the classes, so logistic regression fails, while three hidden ReLU layers of 16 learn the quadrants.
This program trains that network as the course does (rmsprop, binary cross-entropy, batches of 8),
saves its decision boundary, a 4-class softmax variant (which quadrant?), and writes out one
prediction of the network by hand.
"""

import argparse
import os

import numpy as np

import strata as keras
from strata import layers
from strata.explain import explain_prediction, plot_decision_boundary


def quadrant_data(n=200, seed=12):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    quadrant = ((x[:, 0] < 0).astype(int) + 2 * (x[:, 1] < 0)).astype("int32")  # 0..3
    return x, y, quadrant


def build_model(units=(16, 16, 16), classes=1):
    model = keras.Sequential([keras.Input((2,))] + [layers.Dense(n, activation="relu") for n in units] + [
        layers.Dense(classes, activation="sigmoid" if classes == 1 else "softmax")])
    loss = "binary_crossentropy" if classes == 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer="rmsprop", loss=loss, metrics=["accuracy"])
    return model


def main(out_dir=".", epochs=60, verbose=0):
    keras.utils.set_random_seed(12)
    x, y, quadrant = quadrant_data()
    binary = build_model()
    binary.fit(x, y, epochs=epochs, batch_size=8, verbose=verbose)
    _, accuracy = binary.evaluate(x, y, verbose=0)
    four = build_model(classes=4)
    four.fit(x, quadrant, epochs=epochs, batch_size=8, verbose=verbose)
    _, four_accuracy = four.evaluate(x, quadrant, verbose=0)
    os.makedirs(out_dir, exist_ok=True)
    paths = [os.path.join(out_dir, "decision_boundary.png"), os.path.join(out_dir, "decision_boundary_4.png")]
    plot_decision_boundary(binary, x, y, title=f"x1*x2 > 0, accuracy {accuracy:.2f}").savefig(paths[0])
    plot_decision_boundary(four, x, quadrant, title=f"quadrant, accuracy {four_accuracy:.2f}").savefig(paths[1])
    print(f"binary accuracy {accuracy:.3f}, 4-class accuracy {four_accuracy:.3f}; saved {', '.join(paths)}")
    small = build_model(units=(3, 4, 2))  # the course's hand-sized network: follow one prediction neuron by neuron
    small.fit(x, y, epochs=5, batch_size=8, verbose=0)
    explanation = explain_prediction(small, x[:1])
    print(explanation)
    return binary, four, accuracy, four_accuracy, explanation


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()
    main(args.out_dir, args.epochs, verbose=2)
