"""Deterministic image layers and ops: Resizing, CenterCrop, RandomCrop at inference, the image ops.

Every value is checked against real Keras 3 on JAX (``keras.ops.image`` and ``keras.layers``).
"""

import jax
import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers
from strata.layers.preprocessing import image_ops

RS = np.random.RandomState(0)
IMAGES = RS.uniform(0, 255, (2, 6, 8, 3)).astype("float32")


def _transforms(n):
    """Random affine rows (rotation, scale, shear, shift) with zero projective terms."""
    rs = np.random.RandomState(1)
    rows = rs.uniform(-1.5, 1.5, (n, 6)) * np.array([1, 1, 3, 1, 1, 3])
    return np.concatenate([rows, np.zeros((n, 2))], axis=1).astype("float32")


def _channels(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, -3)


# -- the image ops ---------------------------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_affine_transform_matches_keras(keras, fill_mode, interpolation):
    transforms = _transforms(2)
    for data_format in ("channels_last", "channels_first"):
        x = _channels(IMAGES, data_format)
        with jax.numpy_rank_promotion("raise"):  # strata's own code broadcasts explicitly
            ours = image_ops.affine_transform(x, transforms, interpolation, fill_mode, 7.0, data_format)
        theirs = keras.ops.image.affine_transform(x, transforms, interpolation, fill_mode, 7.0, data_format)
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-4)
    # One image with one transform, and one transform broadcast over a batch.
    single = image_ops.affine_transform(IMAGES[0], transforms[0], interpolation, fill_mode)
    np.testing.assert_allclose(np.asarray(single), np.asarray(
        keras.ops.image.affine_transform(IMAGES[0], transforms[0], interpolation, fill_mode)), atol=1e-4)
    shared = image_ops.affine_transform(IMAGES, transforms[0], interpolation, fill_mode)
    second = image_ops.affine_transform(IMAGES[1], transforms[0], interpolation, fill_mode)
    np.testing.assert_allclose(np.asarray(shared)[1], np.asarray(second), atol=1e-6)


def test_affine_transform_runs_under_jit_and_checks_arguments():
    transforms = _transforms(2)
    jitted = jax.jit(lambda x, t: image_ops.affine_transform(x, t, "bilinear", "reflect"))
    # float32 pixels up to 255: the compiled and the op-by-op programs may contract multiply-adds
    # differently (a few ulps; 7.6e-5 seen at 179.5 with XLA:CPU's elemental emitters)
    np.testing.assert_allclose(np.asarray(jitted(IMAGES, transforms)),
                               np.asarray(image_ops.affine_transform(IMAGES, transforms, "bilinear", "reflect")),
                               rtol=1e-6, atol=1e-5)
    with pytest.raises(ValueError, match=r"Received: interpolation='bicubic'"):
        image_ops.affine_transform(IMAGES, transforms, interpolation="bicubic")
    with pytest.raises(ValueError, match=r"Received: fill_mode='edge'"):
        image_ops.affine_transform(IMAGES, transforms, fill_mode="edge")
    with pytest.raises(ValueError, match=r"transform.shape=\(2, 6\)"):
        image_ops.affine_transform(IMAGES, transforms[:, :6])


# -- Resizing --------------------------------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("kwargs, shape, expected", [
    ({"height": 4, "width": 5}, (2, 6, 8, 3), (2, 4, 5, 3)),
    ({"height": 3, "width": 3, "crop_to_aspect_ratio": True, "interpolation": "nearest"}, (2, 6, 8, 3), (2, 3, 3, 3)),
])
def test_resizing_harness(keras, kwargs, shape, expected):
    run_layer_test(layers.Resizing, kwargs, shape, keras=keras, expected_output_shape=expected, atol=1e-4)


@pytest.mark.keras
@pytest.mark.parametrize("interpolation", image_ops.RESIZE_INTERPOLATIONS)
def test_resizing_matches_keras(keras, interpolation):
    """Each interpolation, down (plain, antialiased) and up (cropped or padded to the aspect ratio)."""
    for kwargs in ({"height": 3, "width": 4}, {"height": 3, "width": 4, "antialias": True},
                   {"height": 10, "width": 12, "crop_to_aspect_ratio": True},
                   {"height": 10, "width": 9, "pad_to_aspect_ratio": True, "fill_value": 9.0}):
        kwargs["interpolation"] = interpolation
        with jax.numpy_rank_promotion("raise"):
            ours = layers.Resizing(**kwargs)(IMAGES)
        theirs = keras.layers.Resizing(**kwargs)(IMAGES)
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-4, err_msg=str(kwargs))


@pytest.mark.keras
def test_resizing_channels_first_single_image_and_uint8(keras):
    x = _channels(IMAGES, "channels_first")
    for kwargs in ({}, {"pad_to_aspect_ratio": True}, {"crop_to_aspect_ratio": True}):
        ours = layers.Resizing(5, 4, data_format="channels_first", **kwargs)
        theirs = keras.layers.Resizing(5, 4, data_format="channels_first", **kwargs)
        with jax.numpy_rank_promotion("raise"):
            out = ours(x)
        np.testing.assert_allclose(np.asarray(out), np.asarray(theirs(x)), atol=1e-4)
    single = layers.Resizing(5, 4, pad_to_aspect_ratio=True)(IMAGES[0])
    np.testing.assert_allclose(np.asarray(single), np.asarray(
        keras.layers.Resizing(5, 4, pad_to_aspect_ratio=True)(IMAGES[0])), atol=1e-4)
    pixels = IMAGES.astype("uint8")
    ours, theirs = layers.Resizing(4, 5)(pixels), keras.layers.Resizing(4, 5)(pixels)
    assert ours.dtype == theirs.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    assert layers.Resizing(4, 5).compute_output_shape((None, 6, 8, 3)) == (None, 4, 5, 3)
    assert layers.Resizing(4, 5, data_format="channels_first").compute_output_shape((3, 6, 8)) == (3, 4, 5)


def test_resizing_errors():
    with pytest.raises(ValueError, match=r"Received: interpolation='area'.*needs TensorFlow"):
        layers.Resizing(4, 4, interpolation="area")
    with pytest.raises(ValueError, match=r"Only `'constant'` is supported. Received: fill_mode='reflect'"):
        layers.Resizing(4, 4, fill_mode="reflect")
    with pytest.raises(ValueError, match=r"Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio`"):
        layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match=r"positive integer `height`. Received: height=0"):
        layers.Resizing(0, 4)
    with pytest.raises(ValueError, match=r"or 4 \(batch of images\)\. Received: inputs.shape=\(6, 8\)"):
        layers.Resizing(4, 4)(np.zeros((6, 8)))


# -- CenterCrop ------------------------------------------------------------------------------------
@pytest.mark.keras
def test_center_crop_harness(keras):
    run_layer_test(layers.CenterCrop, {"height": 4, "width": 5}, (2, 6, 8, 3), keras=keras,
                   expected_output_shape=(2, 4, 5, 3))


@pytest.mark.keras
@pytest.mark.parametrize("size", [(4, 5), (6, 8), (9, 10), (4, 10)], ids=["smaller", "same", "larger", "mixed"])
def test_center_crop_matches_keras(keras, size):
    for data_format in ("channels_last", "channels_first"):
        x = _channels(IMAGES, data_format)
        ours = layers.CenterCrop(*size, data_format=data_format)
        theirs = keras.layers.CenterCrop(*size, data_format=data_format)
        with jax.numpy_rank_promotion("raise"):
            out = ours(x)
        np.testing.assert_allclose(np.asarray(out), np.asarray(theirs(x)), atol=1e-4)
        assert ours.compute_output_shape((None,) + x.shape[1:]) == theirs.compute_output_shape((None,) + x.shape[1:])


@pytest.mark.keras
def test_center_crop_resizes_smaller_inputs_up_and_casts(keras):
    small = np.arange(9, dtype="uint8").reshape(3, 3, 1)  # one image, smaller than the target
    out = layers.CenterCrop(4, 4)(small)
    assert out.shape == (4, 4, 1) and out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), np.asarray(keras.layers.CenterCrop(4, 4)(small)), atol=1e-4)


# -- RandomCrop at inference -------------------------------------------------------------------------
@pytest.mark.keras
def test_random_crop_is_identity_at_inference_but_reports_the_crop_shape(keras):
    ours, theirs = layers.RandomCrop(4, 5, seed=1), keras.layers.RandomCrop(4, 5, seed=1)
    for x in (IMAGES, IMAGES.astype("uint8"), IMAGES[0]):
        out = ours(x, training=False)
        expected = theirs(x, training=False)
        assert out.dtype == expected.dtype and out.shape == expected.shape == x.shape
        np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    for shape in ((None, 6, 8, 3), (6, 8, 3)):
        assert ours.compute_output_shape(shape) == theirs.compute_output_shape(shape)
    first = layers.RandomCrop(4, 5, data_format="channels_first")
    assert first.compute_output_shape((None, 3, 6, 8)) == (None, 3, 4, 5)
    assert layers.RandomCrop(4, 5)(layers.Input((6, 8, 3))).shape == (None, 4, 5, 3)
    # In training it crops (a random window when the input is larger in both dimensions).
    assert ours(IMAGES).shape == (2, 4, 5, 3)
