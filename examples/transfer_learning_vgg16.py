"""The course's transfer-learning program: a frozen VGG16 base under a small head, then fine-tuning.

Run: python examples/transfer_learning_vgg16.py DIRECTORY [--epochs 10] [--fine-tune-epochs 10]
DIRECTORY holds one sub-folder per class (``cat/`` and ``dog/``).  Phase 1 trains only the head
(Flatten + Dense(1, sigmoid)) on top of VGG16's convolutional base with ImageNet weights
(14,714,688 frozen parameters).  Phase 2 unfreezes the base's last four layers (block5's three
convolutions and its pooling: 7,079,424 trainable parameters) and fine-tunes them with
RMSprop(1e-5).  ``--make-demo-folder N`` first writes N generated JPEGs per class (see
``cats_vs_dogs.py``); ``--random-weights`` skips the ImageNet download.
"""

import argparse
import pathlib
import sys

import strata as keras
from strata import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from cats_vs_dogs import make_demo_folder  # noqa: E402


def build_model(image_size=180, weights="imagenet"):
    """The frozen VGG16 base with VGG's preprocessing in front and a one-neuron head on top."""
    conv_base = keras.applications.vgg16.VGG16(
        weights=weights, include_top=False, input_shape=(image_size, image_size, 3))
    conv_base.trainable = False
    inputs = keras.Input(shape=(image_size, image_size, 3))
    x = keras.applications.vgg16.preprocess_input(inputs)
    x = conv_base(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    return model, conv_base


def unfreeze_top(model, conv_base, count=4, learning_rate=1e-5):
    """Make the base's last `count` layers trainable and recompile with a small learning rate."""
    conv_base.trainable = True
    for layer in conv_base.layers[:-count]:
        layer.trainable = False
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.RMSprop(learning_rate),
                  metrics=["accuracy"])
    return model


def main(directory, epochs=10, fine_tune_epochs=10, image_size=180, batch_size=32, weights="imagenet",
         verbose=1):
    keras.utils.set_random_seed(1337)
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        directory, validation_split=0.2, subset="both", seed=1337,
        image_size=(image_size, image_size), batch_size=batch_size)
    model, conv_base = build_model(image_size, weights)
    model.summary()
    history = model.fit(train_ds, epochs=epochs, validation_data=val_ds, verbose=verbose)
    unfreeze_top(model, conv_base)
    model.summary()
    fine_tune = model.fit(train_ds, epochs=fine_tune_epochs, validation_data=val_ds, verbose=verbose)
    loss, accuracy = model.evaluate(val_ds, verbose=0)
    print(f"Validation accuracy after fine-tuning: {accuracy:.3f}")
    return model, conv_base, history, fine_tune


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--fine-tune-epochs", type=int, default=10)
    parser.add_argument("--image-size", type=int, default=180)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--make-demo-folder", type=int, default=0, metavar="N")
    parser.add_argument("--random-weights", action="store_true")
    args = parser.parse_args()
    if args.make_demo_folder:
        make_demo_folder(args.directory, per_class=args.make_demo_folder)
    main(args.directory, args.epochs, args.fine_tune_epochs, args.image_size, args.batch_size,
         weights=None if args.random_weights else "imagenet")
