"""The course's MNIST convolutional network, in the Sequential and the functional API.

Run: python examples/mnist_cnn.py [--epochs 5] [--api sequential|functional] [--data-dir ../shared/datasets]
Reads MNIST from --data-dir or STRATA_DATASETS_DIR when given, else downloads it.  The course
reaches about 99.3% test accuracy after five epochs (104,202 parameters).
"""

import argparse

import strata as keras
from strata import layers
from strata.datasets import mnist


def load(data_dir=None):
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data(data_dir=data_dir)
    # Conv2D wants a channel axis: (60000, 28, 28) -> (60000, 28, 28, 1).
    train_images = train_images.reshape((60000, 28, 28, 1)).astype("float32") / 255
    test_images = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255
    return (train_images, train_labels), (test_images, test_labels)


def sequential_cnn():
    return keras.Sequential([
        layers.Conv2D(filters=32, kernel_size=3, activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(filters=64, kernel_size=3, activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(filters=128, kernel_size=3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def functional_cnn():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def train(model, data, epochs=5, verbose=1):
    (train_images, train_labels), (test_images, test_labels) = data
    model.summary()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train_images, train_labels, epochs=epochs,
                        validation_data=(test_images, test_labels), verbose=verbose)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    print(f"Test accuracy: {test_acc:.3f}")
    return history, test_acc


def main(epochs=5, api="sequential", data_dir=None, verbose=1):
    keras.utils.set_random_seed(42)
    model = sequential_cnn() if api == "sequential" else functional_cnn()
    return train(model, load(data_dir), epochs=epochs, verbose=verbose)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--api", choices=["sequential", "functional"], default="sequential")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    main(args.epochs, args.api, args.data_dir)
