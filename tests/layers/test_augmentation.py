"""Random image layers: Keras's configs, values with fixed parameters, observed behaviour, `training`.

Random streams differ from Keras's, so parity is checked (a) with degenerate factor ranges that make
a layer deterministic in both libraries, and (b) through the affine transform itself
(``test_image_preprocessing.py``).  Everything else is checked statistically or exactly on the
behaviour recorded in KERAS_NOTES_2.md §4.
"""

import jax
import numpy as np
import pytest
from file_roundtrip import assert_files_cross_load

import strata
from strata import layers
from strata.models import Sequential

RS = np.random.RandomState(0)
IMAGES = RS.uniform(0, 255, (2, 6, 8, 3)).astype("float32")
RANDOM_LAYERS = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                 "RandomBrightness", "RandomCrop"]


def _strip(config):
    return {k: v for k, v in config.items() if k != "name"}


# -- configs ---------------------------------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs", [
    ("RandomFlip", {}),
    ("RandomFlip", {"mode": "vertical", "seed": 3, "data_format": "channels_first"}),
    ("RandomRotation", {"factor": 0.2}),
    ("RandomRotation", {"factor": (0.3, -0.1), "fill_mode": "constant", "interpolation": "nearest",
                        "fill_value": 1.0, "seed": 1}),
    ("RandomZoom", {"height_factor": 0.2}),
    ("RandomZoom", {"height_factor": (-0.2, 0.3), "width_factor": [0.1, 0.2], "fill_mode": "wrap"}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": (0.1, -0.3), "fill_mode": "nearest"}),
    ("RandomContrast", {"factor": 0.5}),
    ("RandomContrast", {"factor": (0.2, 0.4), "value_range": (0, 1), "seed": 2}),
    ("RandomBrightness", {"factor": 0.2}),
    ("RandomBrightness", {"factor": (0.3, -0.1), "value_range": (255, 0), "seed": 4}),
    ("RandomCrop", {"height": 4, "width": 5, "seed": 9}),
])
def test_config_equals_keras_and_round_trips(keras, name, kwargs):
    ours = getattr(layers, name)(**kwargs)
    theirs = getattr(keras.layers, name)(**kwargs)
    assert _strip(ours.get_config()) == _strip(theirs.get_config())
    clone = type(ours).from_config(ours.get_config())
    assert _strip(clone.get_config()) == _strip(ours.get_config())
    # A config read from JSON (lists for tuples) gives the same layer in both libraries.
    from_keras = type(ours).from_config(theirs.get_config())
    assert _strip(from_keras.get_config()) == _strip(theirs.get_config())


@pytest.mark.keras
def test_signatures_match_keras(keras):
    import inspect

    for name in RANDOM_LAYERS:
        ours = inspect.signature(getattr(layers, name).__init__).parameters
        theirs = inspect.signature(getattr(keras.layers, name).__init__).parameters
        assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()], name


def test_random_crop_without_seed_stores_a_concrete_seed():
    seed = layers.RandomCrop(4, 4).get_config()["seed"]
    assert isinstance(seed, int)
    assert layers.RandomCrop(4, 4).get_config()["seed"] != seed
    assert layers.RandomFlip().get_config()["seed"] is None


# -- values with fixed parameters, against Keras ---------------------------------------------------------
@pytest.mark.keras
# Each fill mode once and each interpolation twice: the op itself is checked against Keras on every
# fill_mode x interpolation pair in test_image_preprocessing.py; here the layers' plumbing is checked.
@pytest.mark.parametrize("fill_mode, interpolation", [
    ("reflect", "bilinear"), ("wrap", "nearest"), ("constant", "bilinear"), ("nearest", "nearest"),
])
def test_fixed_rotation_zoom_translation_match_keras(keras, fill_mode, interpolation):
    common = {"fill_mode": fill_mode, "interpolation": interpolation, "fill_value": 5.0}
    for name, kwargs in (("RandomRotation", {"factor": (0.1, 0.1)}),
                         ("RandomZoom", {"height_factor": (0.3, 0.3), "width_factor": (-0.2, -0.2)}),
                         ("RandomTranslation", {"height_factor": (0.25, 0.25), "width_factor": (-0.3, -0.3)})):
        for data_format in ("channels_last", "channels_first"):
            x = IMAGES if data_format == "channels_last" else np.moveaxis(IMAGES, -1, 1)
            with jax.numpy_rank_promotion("raise"):  # strata's own code broadcasts explicitly
                ours = getattr(layers, name)(**kwargs, **common, data_format=data_format)(x)
            theirs = getattr(keras.layers, name)(**kwargs, **common, data_format=data_format)(x)
            np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-4, err_msg=name)


@pytest.mark.keras
def test_fixed_contrast_brightness_and_crop_match_keras(keras):
    fixed = [("RandomContrast", {"factor": (-0.3, 0.3)}),  # c = 1.3 exactly
             ("RandomBrightness", {"factor": (0.1, 0.1)}),  # delta = 25.5
             ("RandomCrop", {"height": 6, "width": 4}),  # not larger in both: centre crop
             ("RandomCrop", {"height": 8, "width": 8})]  # smaller: crop to the ratio, resize up
    for name, kwargs in fixed:
        for x in (IMAGES, IMAGES[0]):
            with jax.numpy_rank_promotion("raise"):
                ours = getattr(layers, name)(**kwargs)(x)
            theirs = getattr(keras.layers, name)(**kwargs)(x)
            assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
            np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-4, err_msg=name)


@pytest.mark.keras
def test_output_dtypes_match_keras(keras):
    kwargs = {"RandomFlip": {}, "RandomRotation": {"factor": 0.1}, "RandomZoom": {"height_factor": 0.1},
              "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1}, "RandomContrast": {"factor": 0.2},
              "RandomBrightness": {"factor": 0.1}, "RandomCrop": {"height": 4, "width": 4}}
    pixels = IMAGES.astype("uint8")
    for name in RANDOM_LAYERS:
        ours, theirs = getattr(layers, name)(**kwargs[name]), getattr(keras.layers, name)(**kwargs[name])
        for training in (True, False):
            assert ours(pixels, training=training).dtype == theirs(pixels, training=training).dtype, name


# -- observed behaviour (KERAS_NOTES_2.md §4.1) -----------------------------------------------------
def test_rotation_quarter_turn_is_counter_clockwise():
    image = np.arange(9, dtype="float32").reshape(3, 3, 1)
    out = np.asarray(layers.RandomRotation((0.25, 0.25))(image))[..., 0]
    np.testing.assert_allclose(out, [[2, 5, 8], [1, 4, 7], [0, 3, 6]], atol=1e-4)


def test_positive_zoom_zooms_out_and_negative_zooms_in():
    ones = np.ones((1, 8, 8, 1), "float32")
    out = np.asarray(layers.RandomZoom((0.5, 0.5), fill_mode="constant")(ones))[0, ..., 0]
    assert out[0].max() == 0 and out[:, 0].max() == 0  # a border of fill
    assert out[3:5, 3:5].min() == 1
    ramp = np.tile(np.arange(8, dtype="float32"), (8, 1))[None, ..., None]
    zoomed_in = np.asarray(layers.RandomZoom((-0.5, -0.5), fill_mode="constant")(ramp))[0, ..., 0]
    assert zoomed_in.min() > 0 and zoomed_in[0, 0] > ramp[0, 0, 0, 0] and zoomed_in[0, -1] < 7


def test_positive_height_translation_moves_content_down():
    image = np.arange(64, dtype="float32").reshape(1, 8, 8, 1)
    out = np.asarray(layers.RandomTranslation((0.25, 0.25), 0.0, fill_mode="constant")(image))
    np.testing.assert_allclose(out[:, 2:], image[:, :-2], atol=1e-4)
    assert not out[:, :2].any()


def test_flip_both_axes_turns_about_half_the_images_by_180_degrees():
    images = np.random.RandomState(1).uniform(size=(200, 5, 4, 1)).astype("float32")
    out = np.asarray(layers.RandomFlip(seed=0)(images))
    unchanged = [np.array_equal(o, i) for o, i in zip(out, images)]
    turned = [np.array_equal(o, i[::-1, ::-1]) for o, i in zip(out, images)]
    assert all(u != t for u, t in zip(unchanged, turned))  # never a single-axis flip
    assert 70 < sum(turned) < 130
    horizontal = np.asarray(layers.RandomFlip("horizontal", seed=0)(images))
    assert all(np.array_equal(o, i) or np.array_equal(o, i[:, ::-1]) for o, i in zip(horizontal, images))
    first = np.moveaxis(images[:20], -1, 1)
    vertical = np.asarray(layers.RandomFlip("vertical", seed=2, data_format="channels_first")(first))
    assert all(np.array_equal(o, i) or np.array_equal(o, i[:, ::-1]) for o, i in zip(vertical, first))
    assert not all(np.array_equal(o, i) for o, i in zip(vertical, first))


def test_contrast_factors_lie_in_one_to_one_plus_f():
    images = np.random.RandomState(2).uniform(100, 150, (200, 6, 6, 3)).astype("float32")
    out = np.asarray(layers.RandomContrast(0.5, seed=0)(images))
    centred_in = images - images.mean(axis=(1, 2), keepdims=True)
    centred_out = out - out.mean(axis=(1, 2), keepdims=True)
    factors = np.abs(centred_out).sum(axis=(1, 2, 3)) / np.abs(centred_in).sum(axis=(1, 2, 3))
    assert factors.min() >= 1 - 1e-5 and factors.max() <= 1.5 + 1e-5
    assert factors.min() < 1.05 and factors.max() > 1.45


def test_contrast_clips_to_value_range():
    images = np.random.RandomState(3).uniform(0, 1, (20, 6, 6, 3)).astype("float32")
    out = np.asarray(layers.RandomContrast((0.0, 1.0), value_range=(0, 1), seed=1)(images))
    assert out.min() >= 0 and out.max() <= 1 and (out == 1).any()


def test_brightness_delta_is_constant_per_image_and_in_range():
    images = np.random.RandomState(4).uniform(60, 190, (200, 4, 4, 3)).astype("float32")
    deltas = np.asarray(layers.RandomBrightness(0.2, seed=0)(images)) - images
    per_image = deltas.reshape(200, -1)
    np.testing.assert_allclose(per_image, per_image[:, :1].repeat(per_image.shape[1], axis=1), atol=1e-3)
    assert np.abs(per_image).max() <= 51 + 1e-3 and per_image.min() < -40 and per_image.max() > 40
    pixels = np.full((2, 4, 4, 3), 250, "uint8")
    bright = layers.RandomBrightness((0.1, 0.1), seed=0)(pixels)  # +25.5, clipped at 255 (no wrap-around)
    assert bright.dtype == np.uint8 and (np.asarray(bright) == 255).all()


def test_random_crop_windows_lie_inside_the_image():
    image = np.arange(8 * 8, dtype="float32").reshape(1, 8, 8, 1)
    layer = layers.RandomCrop(3, 3, seed=0)
    corners = {float(np.asarray(layer(image))[0, 0, 0, 0]) for _ in range(30)}
    assert len(corners) > 5 and all(c // 8 <= 5 and c % 8 <= 5 for c in corners)


# -- the `training` matrix (KERAS_NOTES_2.md §4.2) --------------------------------------------------
def test_training_matrix():
    x = np.arange(2 * 9, dtype="float32").reshape(2, 3, 3, 1)
    turned = np.rot90(x, 1, axes=(1, 2)).reshape(2, 9)
    layer = layers.RandomRotation((0.25, 0.25))
    np.testing.assert_allclose(np.asarray(layer(x)).reshape(2, 9), turned, atol=1e-4)  # direct call
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    model = Sequential([layers.Input((3, 3, 1)), layers.RandomRotation((0.25, 0.25)), layers.Flatten(),
                        layers.Dense(9, use_bias=False)])
    model.layers[-1].set_weights([np.eye(9, dtype="float32")])
    np.testing.assert_allclose(np.asarray(model(x)), turned, atol=1e-4)  # Sequential(...)(x) augments
    np.testing.assert_array_equal(np.asarray(model(x, training=False)), x.reshape(2, 9))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.reshape(2, 9))
    model.compile(optimizer=strata.optimizers.SGD(learning_rate=0.0), loss="mse")
    assert model.evaluate(x, x.reshape(2, 9), verbose=0) == 0.0  # evaluate does not augment
    assert model.fit(x, turned, epochs=1, verbose=0).history["loss"][0] < 1e-6  # fit does


def test_layers_run_inside_jit_and_on_single_images():
    for name, kwargs in (("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}),
                         ("RandomZoom", {"height_factor": 0.2, "width_factor": 0.1}),
                         ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.2}),
                         ("RandomContrast", {"factor": 0.3}), ("RandomBrightness", {"factor": 0.3}),
                         ("RandomCrop", {"height": 4, "width": 4})):
        layer = getattr(layers, name)(seed=5, **kwargs)
        out = jax.jit(lambda images: layer(images))(IMAGES)
        assert out.shape == layer.compute_output_shape(IMAGES.shape), name
        assert layer(IMAGES[0]).shape == layer.compute_output_shape(IMAGES.shape[1:]), name


def test_dict_inputs_transform_masks_with_the_images():
    images = np.random.RandomState(5).uniform(size=(16, 5, 4, 1)).astype("float32")
    masks = (images > 0.5).astype("float32")
    labels = np.arange(16)
    for layer in (layers.RandomFlip(seed=0), layers.RandomRotation(0.3, interpolation="nearest", seed=0)):
        out = layer({"images": images, "segmentation_masks": masks, "labels": labels})
        np.testing.assert_array_equal(np.asarray(out["segmentation_masks"]), np.asarray(out["images"]) > 0.5)
        np.testing.assert_array_equal(np.asarray(out["labels"]), labels)
    with pytest.raises(NotImplementedError, match="bounding_boxes"):
        layers.RandomFlip()({"images": images, "bounding_boxes": {}})


# -- determinism ------------------------------------------------------------------------------------
def test_same_seed_same_output_and_consecutive_calls_differ():
    for name, kwargs in (("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}),
                         ("RandomZoom", {"height_factor": 0.2}), ("RandomContrast", {"factor": 0.3}),
                         ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.2}),
                         ("RandomBrightness", {"factor": 0.3}), ("RandomCrop", {"height": 4, "width": 4})):
        images = np.random.RandomState(6).uniform(0, 255, (8, 6, 8, 3)).astype("float32")
        a, b = getattr(layers, name)(seed=11, **kwargs), getattr(layers, name)(seed=11, **kwargs)
        first = np.asarray(a(images))
        np.testing.assert_array_equal(first, np.asarray(b(images)), err_msg=name)
        assert not np.array_equal(first, np.asarray(a(images))), name


def _augmented_model():
    return Sequential([
        layers.Input((8, 8, 3)), layers.RandomFlip(), layers.RandomRotation(0.1), layers.RandomZoom(0.1),
        layers.RandomTranslation(0.1, 0.1), layers.RandomContrast(0.2, value_range=(0, 1)),
        layers.RandomBrightness(0.1, value_range=(0, 1)), layers.RandomCrop(6, 6), layers.Flatten(),
        layers.Dense(2)])


def test_fit_with_augmentation_is_bit_reproducible():
    rs = np.random.RandomState(7)
    x, y = rs.uniform(size=(16, 8, 8, 3)).astype("float32"), rs.standard_normal((16, 2)).astype("float32")

    def train(seed):
        strata.utils.set_random_seed(seed)
        model = _augmented_model()
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=4, verbose=0).history
        return model.get_weights(), history

    first, second, other = train(0), train(0), train(1)
    assert all(np.array_equal(a, b) for a, b in zip(first[0], second[0]))
    assert first[1] == second[1]
    assert first[1] != other[1]


# -- errors (Keras rejects the same arguments) ------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, message", [
    ("RandomRotation", {"factor": 1.5}, r"`factor` argument should be a number .* \[-1, 1\]. Received: factor=1.5"),
    ("RandomRotation", {"factor": (0.1, 0.2, 0.3)}, r"Received: factor=\(0.1, 0.2, 0.3\)"),
    ("RandomRotation", {"factor": "big"}, r"Received: factor=big"),
    ("RandomContrast", {"factor": -0.2}, r"in the range \[0, 1\]. Received: factor=-0.2"),
    ("RandomBrightness", {"factor": 2}, r"Received: factor=2"),
    ("RandomBrightness", {"factor": 0.1, "value_range": 255}, r"`value_range` argument should be a list of two"),
    ("RandomZoom", {"height_factor": -1.0}, r"range \(-1.0, 1.0\]. Received: height_factor=-1.0"),
    ("RandomZoom", {"height_factor": 0.1, "width_factor": (0.1, 1.2)}, r"Received: width_factor=\(0.1, 1.2\)"),
    ("RandomTranslation", {"height_factor": 0.1, "width_factor": -1.5}, r"Received: width_factor=-1.5"),
])
def test_factor_errors_match_keras(keras, name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(layers, name)(**kwargs)
    with pytest.raises(ValueError):
        getattr(keras.layers, name)(**kwargs)


def test_other_argument_errors():
    with pytest.raises(NotImplementedError, match=r"Unknown `fill_mode` mirror. .*Received: fill_mode='mirror'"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match=r"Received: interpolation='bicubic'"):
        layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match=r"Invalid value for argument `mode`.*Received: mode='horizontal_flip'"):
        layers.RandomFlip("horizontal_flip")
    with pytest.raises(ValueError, match=r"or 4 \(batch of images\)\. Received: inputs.shape=\(4, 4\)"):
        layers.RandomFlip()(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"positive integer `width`. Received: width=-2"):
        layers.RandomCrop(4, -2)


# -- files ------------------------------------------------------------------------------------------------
@pytest.mark.keras
def test_augmentation_model_files_cross_load(keras, tmp_path):
    def build(lib):
        return lib.Sequential([
            lib.layers.Input((8, 8, 3)), lib.layers.RandomFlip("horizontal", seed=1),
            lib.layers.RandomRotation(0.1, fill_mode="constant", seed=2), lib.layers.RandomZoom(0.1, 0.2, seed=3),
            lib.layers.RandomTranslation(0.1, (-0.2, 0.1), interpolation="nearest"),
            lib.layers.RandomContrast(0.2), lib.layers.RandomBrightness((0.0, 0.1)),
            lib.layers.RandomCrop(8, 8), lib.layers.Resizing(6, 6), lib.layers.CenterCrop(4, 4),
            lib.layers.Flatten(), lib.layers.Dense(2)])

    x = np.random.RandomState(8).uniform(0, 255, (3, 8, 8, 3)).astype("float32")
    assert_files_cross_load(keras, tmp_path, build, x, suffixes=(".keras", ".weights.h5"))
    # Legacy .h5: Keras 3.15.1 cannot write one for these layers (deep-copying their config fails),
    # but it reads the file strata writes.
    model = build(strata)
    with pytest.warns(UserWarning, match="considered legacy"):
        model.save(tmp_path / "strata.h5")
    loaded = keras.models.load_model(tmp_path / "strata.h5", compile=False)
    np.testing.assert_array_equal(np.asarray(loaded(x, training=False)), np.asarray(model(x, training=False)))
