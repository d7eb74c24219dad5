"""ImageDataGenerator: signatures, standardize / fit / apply_transform equal to Keras's legacy generator,
random transforms within their ranges and repeatable, and the errors and warnings of bad settings."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

from strata.core import random as strata_random
from strata.preprocessing import image as simage
from strata.preprocessing.image import ImageDataGenerator

pytestmark = pytest.mark.keras

TRANSFORM = {"theta": 17.0, "tx": 2.0, "ty": -3.0, "shear": 10.0, "zx": 0.8, "zy": 1.2, "flip_horizontal": True,
             "flip_vertical": True, "channel_shift_intensity": 5.0, "brightness": 1.3}


@pytest.fixture(scope="module")
def kimage(keras_oracle):
    """tf.keras's ``preprocessing.image`` as Keras 3 ships it (``keras._tf_keras``)."""
    return importlib.import_module("keras._tf_keras.keras.preprocessing.image")


def _images(shape=(6, 9, 7, 3), seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


def _defaults(fn) -> dict:
    return {n: p.default for n, p in inspect.signature(fn).parameters.items() if n != "self"}


@pytest.mark.parametrize("method", ["__init__", "flow", "flow_from_directory", "flow_from_dataframe",
                                    "standardize", "get_random_transform", "apply_transform", "random_transform",
                                    "fit"])
def test_signatures_match_keras(kimage, method):
    assert _defaults(getattr(ImageDataGenerator, method)) == _defaults(getattr(kimage.ImageDataGenerator, method))


def test_public_names_match_tf_keras(kimage):
    theirs = {n for n in dir(kimage) if not n.startswith("_")} - {"smart_resize"}
    assert theirs <= set(dir(simage))
    assert {"ImageDataGenerator", "NumpyArrayIterator", "DirectoryIterator", "DataFrameIterator", "load_img",
            "img_to_array", "array_to_img", "save_img"} <= set(dir(simage))


STANDARDIZE = [
    dict(rescale=1 / 255),
    dict(samplewise_center=True),
    dict(samplewise_center=True, samplewise_std_normalization=True, rescale=0.5),
    dict(featurewise_center=True),
    dict(featurewise_center=True, featurewise_std_normalization=True, rescale=1 / 255),
    dict(featurewise_center=True, featurewise_std_normalization=True, data_format="channels_first"),
    dict(preprocessing_function=lambda im: im[::-1] * 2.0, rescale=0.1),
]


@pytest.mark.parametrize("config", STANDARDIZE, ids=range(len(STANDARDIZE)))
def test_standardize_after_fit_matches_keras(kimage, config):
    ours, theirs = ImageDataGenerator(**config), kimage.ImageDataGenerator(**config)
    x = _images((6, 3, 9, 7) if config.get("data_format") == "channels_first" else (6, 9, 7, 3))
    if config.get("featurewise_center"):
        ours.fit(x)
        theirs.fit(x)
        np.testing.assert_allclose(ours.mean, theirs.mean, atol=1e-5)
        assert (ours.std is None) == (theirs.std is None)
        if ours.std is not None:
            np.testing.assert_allclose(ours.std, theirs.std, atol=1e-5)
    for sample in (x[0], x[:3]):
        mine, expected = ours.standardize(sample.copy()), theirs.standardize(sample.copy())
        assert mine.dtype == expected.dtype
        np.testing.assert_allclose(mine, expected, atol=1e-5)


def test_standardize_changes_its_input_in_place_as_keras():
    x = np.full((2, 2, 3), 10.0, "float32")
    out = ImageDataGenerator(rescale=0.5).standardize(x)
    assert out is x and float(x[0, 0, 0]) == 5.0


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_zca_whitening_after_fit_matches_keras(kimage, data_format):
    config = dict(zca_whitening=True, featurewise_center=True, rescale=1 / 255, data_format=data_format)
    ours, theirs = ImageDataGenerator(**config), kimage.ImageDataGenerator(**config)
    x = _images((10, 4, 5, 3))
    ours.fit(x)
    theirs.fit(x)
    np.testing.assert_allclose(ours.zca_whitening_matrix, theirs.zca_whitening_matrix, atol=1e-4)
    np.testing.assert_allclose(ours.standardize(x[:2].copy()), theirs.standardize(x[:2].copy()), atol=1e-4)


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
def test_apply_transform_matches_keras_for_each_fill_mode(kimage, fill_mode):
    config = dict(fill_mode=fill_mode, cval=42.0)
    x = _images((9, 11, 3))
    mine = ImageDataGenerator(**config).apply_transform(x.copy(), TRANSFORM)
    expected = kimage.ImageDataGenerator(**config).apply_transform(x.copy(), TRANSFORM)
    assert mine.shape == expected.shape == x.shape
    np.testing.assert_allclose(mine, expected, atol=1e-5)


@pytest.mark.parametrize("order", [0, 3])
@pytest.mark.parametrize("channels", [1, 4])
def test_apply_transform_matches_keras_for_other_orders_and_channels(kimage, order, channels):
    x = _images((8, 10, channels), seed=order)
    params = dict(TRANSFORM, brightness=0.7, flip_vertical=False)
    mine = ImageDataGenerator(interpolation_order=order).apply_transform(x.copy(), params)
    expected = kimage.ImageDataGenerator(interpolation_order=order).apply_transform(x.copy(), params)
    np.testing.assert_allclose(mine, expected, atol=1e-5)


def test_apply_transform_channels_first_matches_keras_and_channels_last(kimage):
    x = _images((3, 9, 11))
    params = {k: v for k, v in TRANSFORM.items() if k != "brightness"}
    first = ImageDataGenerator(data_format="channels_first").apply_transform(x.copy(), params)
    expected = kimage.ImageDataGenerator(data_format="channels_first").apply_transform(x.copy(), params)
    np.testing.assert_allclose(first, expected, atol=1e-5)
    # Brightness too (Keras reads channels-first images with the global format here, so compare with our own
    # channels-last result instead).
    last = ImageDataGenerator().apply_transform(np.moveaxis(x, 0, -1).copy(), TRANSFORM)
    first = ImageDataGenerator(data_format="channels_first").apply_transform(x.copy(), TRANSFORM)
    np.testing.assert_allclose(np.moveaxis(first, 0, -1), last, atol=1e-5)


def test_apply_transform_with_empty_dict_is_identity():
    x = _images((4, 5, 3))
    np.testing.assert_array_equal(ImageDataGenerator().apply_transform(x, {}), x)


def test_transform_helpers_match_keras(kimage):
    x = _images((3, 8, 9))
    np.testing.assert_allclose(
        simage.apply_affine_transform(x, theta=30, tx=1, zx=1.1, fill_mode="reflect"),
        kimage.apply_affine_transform(x, theta=30, tx=1, zx=1.1, fill_mode="reflect"), atol=1e-5)
    np.testing.assert_allclose(simage.apply_channel_shift(x, -20.0), kimage.apply_channel_shift(x, -20.0), atol=1e-5)
    xl = np.moveaxis(x, 0, -1)
    for scale in (True, False):
        np.testing.assert_allclose(simage.apply_brightness_shift(xl, 0.6, scale),
                                   kimage.apply_brightness_shift(xl, 0.6, scale), atol=1e-4)
    for helper, args in [(simage.random_rotation, (20,)), (simage.random_shift, (0.1, 0.2)),
                         (simage.random_shear, (15,)), (simage.random_zoom, ((0.9, 1.1),)),
                         (simage.random_channel_shift, (9.0,))]:
        assert helper(x, *args).shape == x.shape
        assert not np.array_equal(helper(x, *args), x)
    shifted = simage.random_channel_shift(x, 9.0)
    assert x.min() <= shifted.min() and shifted.max() <= x.max()
    assert simage.random_brightness(xl, (0.5, 0.9)).shape == xl.shape
    with pytest.raises(ValueError, match=r"`brightness_range` must be a tuple or list of two floats.*\(1,\)"):
        simage.random_brightness(xl, (1,))


def test_get_random_transform_has_keras_keys_and_identity_without_augmentation(kimage):
    ours = ImageDataGenerator().get_random_transform((8, 8, 3))
    assert ours.keys() == kimage.ImageDataGenerator().get_random_transform((8, 8, 3)).keys()
    assert ours == {"theta": 0, "tx": 0, "ty": 0, "shear": 0, "zx": 1, "zy": 1, "flip_horizontal": False,
                    "flip_vertical": False, "channel_shift_intensity": None, "brightness": None}


def _draws(gen, n=400, shape=(20, 40, 3)):
    return [gen.get_random_transform(shape) for _ in range(n)]


def test_random_transforms_stay_within_their_ranges():
    gen = ImageDataGenerator(rotation_range=30, width_shift_range=0.25, height_shift_range=0.1, shear_range=5,
                             zoom_range=0.2, channel_shift_range=10, brightness_range=(0.5, 1.5),
                             horizontal_flip=True, vertical_flip=True)
    draws = _draws(gen)
    column = lambda key: np.array([d[key] for d in draws], dtype="float64")  # noqa: E731
    for key, low, high in [("theta", -30, 30), ("tx", -2, 2), ("ty", -10, 10), ("shear", -5, 5), ("zx", 0.8, 1.2),
                           ("zy", 0.8, 1.2), ("channel_shift_intensity", -10, 10), ("brightness", 0.5, 1.5)]:
        values = column(key)
        assert low <= values.min() and values.max() <= high, key
        assert values.std() > (high - low) / 5, key  # spread over the range, roughly uniform
        assert abs(values.mean() - (low + high) / 2) < (high - low) / 8, key
    for key in ("flip_horizontal", "flip_vertical"):
        assert 0.4 < column(key).mean() < 0.6


def test_integer_and_list_shift_ranges_draw_whole_pixels_as_keras():
    draws = _draws(ImageDataGenerator(width_shift_range=3, height_shift_range=[-4, 0.5, 6]))
    ty = {d["ty"] for d in draws}
    assert ty == {-2, -1, 0, 1, 2}  # an int n draws from range(n) with a random sign
    assert {d["tx"] for d in draws} == {-6, -4, -0.5, 0.5, 4, 6}  # max >= 1: pixels, not fractions


def test_random_transform_is_repeatable():
    gen = ImageDataGenerator(rotation_range=40, zoom_range=0.3, horizontal_flip=True)
    x = _images((10, 12, 3))
    np.testing.assert_array_equal(gen.random_transform(x, seed=5), gen.random_transform(x, seed=5))
    assert not np.array_equal(gen.random_transform(x, seed=5), gen.random_transform(x, seed=6))
    first = [gen.get_random_transform(x.shape) for _ in range(3)]
    assert first[0] != first[1]
    strata_random.set_global_seed(strata_random.DEFAULT_SEED)
    again = ImageDataGenerator(rotation_range=40, zoom_range=0.3, horizontal_flip=True)
    assert [again.get_random_transform(x.shape) for _ in range(3)] == first


def test_fit_with_augment_uses_rounds_and_is_repeatable():
    x = _images((4, 6, 6, 3))
    stats = []
    for _ in range(2):
        gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, rotation_range=90)
        gen.fit(x, augment=True, rounds=3, seed=11)
        stats.append((gen.mean, gen.std))
    np.testing.assert_array_equal(stats[0][0], stats[1][0])
    plain = ImageDataGenerator(featurewise_center=True)
    plain.fit(x)
    assert stats[0][0].shape == plain.mean.shape == (1, 1, 3)
    assert not np.allclose(stats[0][0], plain.mean)


@pytest.mark.parametrize(
    "config, match",
    [
        (dict(data_format="channels_middle"), r"`data_format` must be 'channels_last'.*Received: data_format='chan"),
        (dict(validation_split=1.5), r"`validation_split` must be strictly between 0 and 1.*validation_split=1.5"),
        (dict(zoom_range=(0.5, 1, 2)), r"`zoom_range` must be a float or a tuple.*Received: zoom_range=\(0.5, 1, 2\)"),
        (dict(brightness_range=0.5), r"`brightness_range` must be a tuple or list of two floats.*=0.5"),
        (dict(fill_mode="edge"), r"`fill_mode` must be one of .*'nearest'.*Received: fill_mode='edge'"),
    ],
)
def test_bad_constructor_arguments_raise(config, match):
    with pytest.raises(ValueError, match=match):
        ImageDataGenerator(**config)


def test_fit_rejects_arrays_that_are_not_rank_4():
    with pytest.raises(ValueError, match=r"`x` passed to `ImageDataGenerator.fit\(\)` must have rank 4.*\(5, 6, 3\)"):
        ImageDataGenerator(featurewise_center=True).fit(np.zeros((5, 6, 3)))


@pytest.mark.parametrize(
    "config, match",
    [
        (dict(zca_whitening=True), "specifies `zca_whitening`, which overrides setting of `featurewise_center`"),
        (dict(zca_whitening=True, featurewise_center=True, featurewise_std_normalization=True),
         "specifies `zca_whitening`, which overrides setting of `featurewise_std_normalization`"),
        (dict(featurewise_std_normalization=True),
         "specifies `featurewise_std_normalization`, which overrides setting of `featurewise_center`"),
        (dict(samplewise_std_normalization=True),
         "specifies `samplewise_std_normalization`, which overrides setting of `samplewise_center`"),
    ],
)
def test_overriding_options_warn_and_switch_as_keras(kimage, config, match):
    with pytest.warns(UserWarning, match=match):
        ours = ImageDataGenerator(**config)
    theirs = kimage.ImageDataGenerator(**config)
    for name in ("featurewise_center", "featurewise_std_normalization", "samplewise_center"):
        assert getattr(ours, name) == getattr(theirs, name)


def test_standardize_before_fit_warns():
    gen = ImageDataGenerator(featurewise_center=True)
    with pytest.warns(UserWarning, match=r"specifies `featurewise_center`, but it hasn't been fit"):
        gen.standardize(np.ones((2, 2, 3), "float32"))


def test_fit_on_two_channels_warns():
    match = r"expected either 1, 3 or 4 channels on axis 3.*\(2, 4, 4, 2\) \(2 channels\)"
    with pytest.warns(UserWarning, match=match):
        ImageDataGenerator(featurewise_center=True).fit(np.ones((2, 4, 4, 2)))
