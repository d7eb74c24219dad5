"""MNIST multilayer perceptron and multinomial logistic regression (the textbook chapter's programs).

Run: python examples/mnist_mlp.py [--epochs 5] [--data-dir ../shared/datasets]
Reads MNIST from --data-dir or STRATA_DATASETS_DIR when given, else downloads it.
"""

import argparse

from strata import layers, models, optimizers
from strata.datasets import mnist
from strata.utils import set_random_seed, to_categorical


def load(data_dir=None):
    (x_train, g_train), (x_test, g_test) = mnist.load_data(data_dir=data_dir)
    x_train = x_train.reshape(x_train.shape[0], 784)
    x_test = x_test.reshape(x_test.shape[0], 784)
    y_train = to_categorical(g_train, 10)
    y_test = to_categorical(g_test, 10)
    # Normalize pixel values to range [0, 1]
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    return (x_train, y_train), (x_test, y_test)


def mlp():
    modelnn = models.Sequential()
    modelnn.add(layers.Input(shape=(784,)))
    modelnn.add(layers.Dense(units=128, activation="relu", name="FirstHidden"))
    modelnn.add(layers.Dropout(rate=0.3, name="FirstDropOut"))
    modelnn.add(layers.Dense(units=64, activation="tanh", name="SecondHidden"))
    modelnn.add(layers.Dropout(rate=0.2, name="SecondDropOut"))
    modelnn.add(layers.Dense(units=10, activation="softmax", name="Output"))
    return modelnn


def logistic():
    modellr = models.Sequential()
    modellr.add(layers.Input(shape=(784,)))
    modellr.add(layers.Dense(units=10, activation="softmax"))
    return modellr


def train(model, data, epochs=5, verbose=2):
    (x_train, y_train), (x_test, y_test) = data
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer=optimizers.RMSprop(), metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=128,
                        validation_data=(x_test, y_test), verbose=verbose)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return history, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    set_random_seed(13)
    data = load(args.data_dir)
    _, accuracy = train(mlp(), data, epochs=args.epochs)
    print(f"MLP test accuracy: {accuracy:.4f}")
    _, accuracy = train(logistic(), data, epochs=args.epochs)
    print(f"Logistic regression test accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
