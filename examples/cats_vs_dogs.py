"""The course's cats-vs-dogs classifier, trained from a folder of JPEGs with augmentation and dropout.

Run: python examples/cats_vs_dogs.py DIRECTORY [--epochs 30] [--image-size 180]
DIRECTORY holds one sub-folder per class (``cat/`` and ``dog/``, any names work), each full of
images.  20% of the files are held out for validation.  With ``--make-demo-folder N`` the program
first writes N generated JPEGs per class into DIRECTORY (bright discs vs dark squares), so it runs
anywhere without a download.
"""

import argparse
import pathlib

import numpy as np

import strata as keras
from strata import layers


def make_demo_folder(directory, per_class=100, size=(120, 160), seed=0):
    """Two classes of generated JPEGs: noisy images with a bright disc ("cat") or a dark square ("dog")."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    height, width = size
    yy, xx = np.mgrid[0:height, 0:width]
    for label in ("cat", "dog"):
        folder = pathlib.Path(directory) / label
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            image = rng.integers(60, 160, size=(height, width, 3)).astype(np.float32)
            r = int(rng.integers(min(height, width) // 10, min(height, width) // 5 + 1))
            cy, cx = rng.integers(r, height - r), rng.integers(r, width - r)
            if label == "cat":
                image[(yy - cy) ** 2 + (xx - cx) ** 2 < r * r] = (250, 230, 120)
            else:
                image[(abs(yy - cy) < r) & (abs(xx - cx) < r)] = (20, 30, 60)
            Image.fromarray(image.astype(np.uint8)).save(folder / f"{label}.{i}.jpg", quality=90)
    return directory


def datasets(directory, image_size=180, batch_size=32, seed=1337):
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        directory, validation_split=0.2, subset="both", seed=seed,
        image_size=(image_size, image_size), batch_size=batch_size)
    return train_ds, val_ds


def build_model(image_size=180):
    data_augmentation = keras.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ])
    model = keras.Sequential([
        keras.Input(shape=(image_size, image_size, 3)),
        data_augmentation,
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    return model


def main(directory, epochs=30, image_size=180, batch_size=32, verbose=1):
    keras.utils.set_random_seed(1337)
    train_ds, val_ds = datasets(directory, image_size, batch_size)
    print("Classes:", train_ds.class_names)
    model = build_model(image_size)
    history = model.fit(train_ds, epochs=epochs, validation_data=val_ds, verbose=verbose)
    loss, accuracy = model.evaluate(val_ds, verbose=0)
    print(f"Validation accuracy: {accuracy:.3f}")
    return model, history


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--image-size", type=int, default=180)
    parser.add_argument("--make-demo-folder", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.make_demo_folder:
        make_demo_folder(args.directory, args.make_demo_folder)
    main(args.directory, args.epochs, args.image_size)
