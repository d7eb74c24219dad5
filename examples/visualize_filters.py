"""Seeing what a CNN learned: filter patterns, activation maps and a Grad-CAM heatmap on MNIST.

Run: python examples/visualize_filters.py [--out-dir explain_out] [--train-size 5000] [--epochs 1]
                                          [--data-dir ../shared/datasets] [--vgg16 224]
Trains the course's small MNIST CNN (on a subset, briefly), then saves PNGs to --out-dir:
  filters_conv1.png / filters_conv2.png  images that maximise each filter (gradient ascent),
  activations_<layer>.png                 the feature maps of every conv/pooling layer for one digit,
  grad_cam.png                            which pixels the predicted class comes from.
A ReLU filter that is zero on the whole starting noise gets no gradient, and its picture stays noise.
With --vgg16 SIZE it also visualises filters of a VGG16-shaped network with random weights at
SIZE x SIZE and prints how long that took (no pretrained weights are needed for the timing).
MNIST is read from --data-dir or STRATA_DATASETS_DIR when given, else downloaded.
"""

import argparse
import pathlib
import time

import numpy as np

import strata as keras
from strata import explain, layers
from strata.datasets import mnist


def small_cnn():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(32, 3, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(10, activation="softmax", name="predictions"),
    ])


def vgg16_shaped(size=224, classes=1000, include_top=True):
    """VGG16's layers and names (138,357,544 parameters with the top at 224x224), random weights."""
    model = keras.Sequential(name="vgg16")
    model.add(keras.Input((size, size, 3)))
    for block, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1):
        for conv in range(1, convs + 1):
            model.add(layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv{conv}"))
        model.add(layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool"))
    if include_top:
        model.add(layers.Flatten(name="flatten"))
        model.add(layers.Dense(4096, activation="relu", name="fc1"))
        model.add(layers.Dense(4096, activation="relu", name="fc2"))
        model.add(layers.Dense(classes, activation="softmax", name="predictions"))
    return model


def train(train_size=5000, epochs=1, data_dir=None, verbose=2):
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data(data_dir=data_dir)
    train_images = train_images[:train_size, ..., None].astype("float32") / 255
    test_images = test_images[:1000, ..., None].astype("float32") / 255
    model = small_cnn()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_images, train_labels[:train_size], epochs=epochs, batch_size=64, verbose=verbose)
    _, accuracy = model.evaluate(test_images, test_labels[:1000], verbose=0)
    print(f"Test accuracy on 1000 digits: {accuracy:.3f}")
    return model, test_images, test_labels[:1000], accuracy


def explain_model(model, image, out_dir, filters=16, iterations=30):
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = {}
    for name in ("conv1", "conv2"):  # what each filter responds to
        images, figure = explain.visualize_filters(model, name, list(range(filters)), iterations=iterations,
                                                   learning_rate=1.0, seed=0, images_per_row=8)
        saved[f"filters_{name}"] = images
        figure.savefig(out_dir / f"filters_{name}.png")
    maps, figures = explain.activation_maps(model, image, plot=True)  # what each layer sees in one digit
    for name, figure in figures.items():
        figure.savefig(out_dir / f"activations_{name}.png")
    heatmap, figure = explain.grad_cam(model, image, "conv2", plot=True)  # where the prediction comes from
    figure.savefig(out_dir / "grad_cam.png")
    saved.update(activations=maps, heatmap=heatmap, overlay=explain.overlay_heatmap(image, heatmap))
    return saved


def time_vgg16(size=224, filters=(0,), iterations=30):
    model = vgg16_shaped(size, include_top=False)
    start = time.perf_counter()
    image = explain.visualize_filter(model, "block3_conv1", filters[0], iterations=iterations, seed=0,
                                     value_range=(0.0, 255.0))
    first = time.perf_counter() - start
    start = time.perf_counter()
    explain.visualize_filter(model, "block3_conv1", filters[-1] + 1, iterations=iterations, seed=0,
                             value_range=(0.0, 255.0))
    again = time.perf_counter() - start
    print(f"VGG16-shaped {size}x{size}, block3_conv1, {iterations} steps: {first:.1f}s with compilation, "
          f"{again:.1f}s for the next filter")
    return image, first, again


def main(out_dir="explain_out", train_size=5000, epochs=1, data_dir=None, verbose=2, vgg16=None):
    keras.utils.set_random_seed(42)
    model, test_images, test_labels, accuracy = train(train_size, epochs, data_dir, verbose)
    results = explain_model(model, test_images[0], out_dir)
    results["accuracy"] = accuracy
    results["label"] = int(test_labels[0])
    if vgg16:
        results["vgg16"] = time_vgg16(vgg16)
    print(f"Saved {len(list(pathlib.Path(out_dir).glob('*.png')))} images to {out_dir}")
    return model, results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default="explain_out")
    parser.add_argument("--train-size", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--vgg16", type=int, default=None, metavar="SIZE")
    args = parser.parse_args()
    main(args.out_dir, args.train_size, args.epochs, args.data_dir, vgg16=args.vgg16)
