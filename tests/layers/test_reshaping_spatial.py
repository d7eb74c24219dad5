"""ZeroPadding, Cropping and UpSampling (1D/2D/3D): Keras parity, padding forms, shapes and errors.

Parity tolerance: float32, atol 1e-5, for outputs and input gradients; strata runs with JAX rank
promotion set to "raise".
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers

ATOL = 1e-5


def _strip(config):
    return {k: v for k, v in config.items() if k != "name"}


PARITY_CASES = [
    ("ZeroPadding1D", {"padding": (2, 0), "data_format": "channels_first"}, (2, 3, 4)),
    ("ZeroPadding2D", {"padding": ((1, 2), (3, 4))}, (1, 5, 5, 2)),
    ("ZeroPadding2D", {"padding": (1, 2), "data_format": "channels_first"}, (1, 2, 3, 4)),
    ("ZeroPadding3D", {"padding": (1, 0, 2), "data_format": "channels_first"}, (1, 2, 2, 3, 2)),
    ("Cropping1D", {}, (2, 5, 3)),
    ("Cropping2D", {"cropping": ((1, 0), (2, 1))}, (1, 5, 5, 2)),
    ("Cropping2D", {"cropping": 1, "data_format": "channels_first"}, (1, 2, 4, 5)),
    ("Cropping2D", {"cropping": (0, 1)}, (1, 4, 4, 2)),
    ("Cropping3D", {}, (1, 3, 4, 5, 2)),
    ("Cropping3D", {"cropping": ((0, 1), 1, (2, 0)), "data_format": "channels_first"}, (1, 2, 3, 4, 5)),
    ("UpSampling1D", {"size": 3}, (2, 3, 2)),
    ("UpSampling2D", {}, (1, 3, 2, 2)),
    ("UpSampling2D", {"size": (3, 2), "interpolation": "bilinear"}, (1, 3, 4, 2)),
    ("UpSampling2D", {"interpolation": "Bilinear", "data_format": "channels_first"}, (1, 2, 3, 4)),
    ("UpSampling2D", {"size": 2, "interpolation": "bicubic"}, (1, 4, 3, 2)),
    ("UpSampling3D", {"size": (1, 2, 3), "data_format": "channels_first"}, (1, 2, 2, 3, 2)),
]


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, shape", PARITY_CASES)
def test_outputs_gradients_and_configs_match_keras(keras_oracle, name, kwargs, shape):
    rs = np.random.RandomState(0)
    x = rs.standard_normal(shape).astype("float32")
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras_oracle.layers, name)(**kwargs)
    with jax.numpy_rank_promotion("raise"):
        y = np.asarray(ours(x))
        w = rs.standard_normal(y.shape).astype("float32")
        grad = jax.grad(lambda v: jnp.sum(ours(v) * w))(x)
    expected = np.asarray(theirs(x))
    assert y.shape == expected.shape == ours.compute_output_shape(shape)
    np.testing.assert_allclose(y, expected, atol=ATOL)
    np.testing.assert_allclose(grad, jax.grad(lambda v: jnp.sum(theirs(v) * w))(x), atol=ATOL)
    assert _strip(ours.get_config()) == _strip(theirs.get_config())


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, shape, train", [
    ("ZeroPadding2D", {"padding": ((1, 2), (0, 1))}, (2, 3, 3, 2), True),
    ("Cropping1D", {}, (2, 5, 3), False),
    ("Cropping3D", {"cropping": 1}, (2, 3, 3, 3, 1), False),
    ("UpSampling2D", {"interpolation": "bilinear"}, (2, 2, 3, 2), True),
    ("ZeroPadding3D", {}, (1, 2, 2, 2, 1), False),
])
def test_layer_harness(keras, name, kwargs, shape, train):
    run_layer_test(getattr(layers, name), kwargs, shape, keras=keras, train=train, atol=ATOL,
                   expected_num_weights=0)


def test_padding_and_cropping_forms_from_the_notes():
    x = np.ones((1, 5, 5, 1), "float32")
    assert layers.ZeroPadding2D(((1, 2), (3, 4)))(x).shape == (1, 8, 12, 1)
    assert layers.Cropping2D(((1, 0), (2, 1)))(x).shape == (1, 4, 2, 1)
    assert layers.ZeroPadding2D(2).padding == ((2, 2), (2, 2))
    assert layers.ZeroPadding2D((1, 3)).padding == ((1, 1), (3, 3))
    assert layers.ZeroPadding2D([[1, 2], [3, 4]]).padding == ((1, 2), (3, 4))  # as read from JSON
    assert layers.Cropping2D().cropping == ((0, 0), (0, 0))
    assert layers.Cropping1D().cropping == (1, 1)
    assert layers.Cropping3D().cropping == ((1, 1), (1, 1), (1, 1))
    assert layers.ZeroPadding1D(3).padding == (3, 3)
    padded = np.asarray(layers.ZeroPadding1D((1, 2))(np.ones((1, 2, 1), "float32")))[0, :, 0]
    np.testing.assert_array_equal(padded, [0, 1, 1, 0, 0])
    cropped = np.asarray(layers.Cropping1D((1, 2))(np.arange(6, dtype="float32").reshape(1, 6, 1)))[0, :, 0]
    np.testing.assert_array_equal(cropped, [1, 2, 3])


def test_upsampling_bilinear_uses_half_pixel_centres():
    x = np.array([[0.0, 1.0], [2.0, 3.0]], "float32").reshape(1, 2, 2, 1)
    out = np.asarray(layers.UpSampling2D(interpolation="bilinear")(x))[0, :, :, 0]
    np.testing.assert_allclose(out[0], [0.0, 0.25, 0.75, 1.0], atol=ATOL)
    nearest = np.asarray(layers.UpSampling2D()(x))[0, :, :, 0]
    np.testing.assert_array_equal(nearest[0], [0, 0, 1, 1])
    np.testing.assert_array_equal(nearest[:, 0], [0, 0, 2, 2])


def test_unknown_dimensions_stay_unknown():
    images = layers.Input(shape=(None, 6, 3))
    assert layers.ZeroPadding2D(1)(images).shape == (None, None, 8, 3)
    assert layers.Cropping2D((1, 2))(images).shape == (None, None, 2, 3)
    assert layers.UpSampling2D(interpolation="bilinear")(images).shape == (None, None, 12, 3)
    sequences = layers.Input(shape=(None, 4))
    assert layers.ZeroPadding1D(2)(sequences).shape == (None, None, 4)
    assert layers.Cropping1D()(sequences).shape == (None, None, 4)
    assert layers.UpSampling1D()(sequences).shape == (None, None, 4)
    volumes = layers.Input(shape=(2, None, 4, 4))
    assert layers.UpSampling3D(data_format="channels_first")(volumes).shape == (None, 2, None, 8, 8)
    assert layers.Cropping3D(data_format="channels_first")(volumes).shape == (None, 2, None, 2, 2)
    assert layers.ZeroPadding3D(data_format="channels_first")(volumes).shape == (None, 2, None, 6, 6)


def test_errors_are_clear():
    with pytest.raises(ValueError, match=(
            r"Cropping2D layer 'cropping2d' cannot crop 2 \+ 3 cells from axis 2 of size 5: at least one "
            r"cell must remain. Received: input_shape=\(None, 5, 5, 1\), cropping=\(\(0, 0\), \(2, 3\)\). "
            r"Use smaller `cropping` values.")):
        layers.Cropping2D(((0, 0), (2, 3)))(layers.Input(shape=(5, 5, 1)))
    with pytest.raises(ValueError, match=r"Cropping1D layer 'cropping1d' cannot crop 1 \+ 1 cells from axis 1 "
                                         r"of size 2.*Received: input_shape=\(3, 2, 4\)"):
        layers.Cropping1D()(np.zeros((3, 2, 4), "float32"))
    with pytest.raises(ValueError, match=r"Cropping3D layer .* cannot crop 1 \+ 1 cells from axis 3 of size 2"):
        layers.Cropping3D()(np.zeros((1, 3, 3, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"`padding` should be either an int, a tuple of 2 ints .*"
                                         r"Received: padding=\(1, 2, 3\)"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"`cropping` cannot be negative. Received: cropping=-1"):
        layers.Cropping2D(-1)
    with pytest.raises(ValueError, match=r"The `2nd entry of padding` argument must be a tuple of 2 integers. "
                                         r"Received 2nd entry of padding=\(1, 2, 3\)"):
        layers.ZeroPadding3D((1, (1, 2, 3), 0))
    with pytest.raises(ValueError, match=r"`padding` argument must be a tuple of 2 integers, each >= 0"):
        layers.ZeroPadding1D((1, -1))
    with pytest.raises(TypeError, match=r"Expected an integer value for `size`. Received: size=2.0"):
        layers.UpSampling1D(2.0)
    with pytest.raises(ValueError, match=r"Argument `size` should be a positive integer. Received: size=0"):
        layers.UpSampling1D(0)
    with pytest.raises(ValueError, match=r"Invalid value for argument `interpolation`: expected one of .*"
                                         r"Received: interpolation='area'"):
        layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"ZeroPadding2D layer 'zero_padding2d_1' expects inputs of rank 4 "
                                         r"\(batch, channels, height, width\), but received rank 3"):
        layers.ZeroPadding2D(data_format="channels_first")(layers.Input(shape=(4, 4)))
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Cropping1D: "
                                        r"\{'data_format': 'channels_first'\}"):
        layers.Cropping1D(data_format="channels_first")
    with pytest.raises(ValueError, match=r"passed to UpSampling1D: \{'data_format': 'channels_last'\}. UpSampling1D "
                                         r"takes \(batch, steps, features\) inputs and has no `data_format`."):
        layers.UpSampling1D(data_format="channels_last")
