"""tf.keras 2 course code: ``fit`` on ImageDataGenerator iterators, with steps_per_epoch and validation."""

import numpy as np
from PIL import Image

import strata
from strata.preprocessing.image import ImageDataGenerator


def _folder(root, per_class=6):
    rng = np.random.default_rng(0)
    for label, value in (("cats", 60), ("dogs", 190)):
        (root / label).mkdir(parents=True)
        for i in range(per_class):
            pixels = np.clip(rng.normal(value, 20, (12, 16, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / label / f"{i}.png")
    return root


def _model():
    layers = strata.layers
    model = strata.Sequential([layers.Input((10, 10, 3)), layers.Conv2D(4, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_fit_on_flow_from_directory_with_steps_and_validation(tmp_path, capsys):
    folder = _folder(tmp_path / "train")
    generator = ImageDataGenerator(rescale=1.0 / 255, horizontal_flip=True, rotation_range=10,
                                   validation_split=0.25)
    train = generator.flow_from_directory(folder, target_size=(10, 10), batch_size=3, class_mode="binary",
                                          subset="training", seed=1)
    validation = generator.flow_from_directory(folder, target_size=(10, 10), batch_size=3,
                                               class_mode="binary", subset="validation", seed=1)
    assert "Found 10 images belonging to 2 classes." in capsys.readouterr().out
    history = _model().fit(train, steps_per_epoch=len(train), epochs=3, validation_data=validation,
                           validation_steps=len(validation), verbose=0)
    assert len(history.history["loss"]) == 3
    assert set(history.history) == {"accuracy", "loss", "val_accuracy", "val_loss"}
    assert all(np.isfinite(history.history["val_loss"]))


def test_fit_on_flow_equals_fit_on_the_arrays_when_nothing_is_random():
    x = np.random.default_rng(1).random((20, 10, 10, 3)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("float32")
    strata.utils.set_random_seed(2)
    arrays = _model()
    expected = arrays.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    strata.utils.set_random_seed(2)
    streamed = _model()
    history = streamed.fit(ImageDataGenerator().flow(x, y, batch_size=8, shuffle=False), epochs=2,
                           shuffle=False, verbose=0).history
    assert history == expected
    for a, b in zip(arrays.get_weights(), streamed.get_weights()):
        np.testing.assert_array_equal(a, b)
