"""Rescaling: ``x * scale + offset`` with scalar and per-channel values, Keras parity."""

import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers


@pytest.mark.keras
@pytest.mark.parametrize("kwargs, shape", [
    ({"scale": 1.0 / 255}, (6, 4)),
    ({"scale": 1.0 / 127.5, "offset": -1}, (6, 4)),
    ({"scale": [0.5, 2.0, -1.0], "offset": (1.0, 0.0, 2.0)}, (4, 2, 2, 3)),
])
def test_harness(keras, kwargs, shape):
    run_layer_test(layers.Rescaling, kwargs, shape, keras=keras, expected_output_shape=shape)


def test_integer_pixels_become_floats_in_range():
    images = np.array([[0, 128, 255]], dtype="uint8")
    out = np.asarray(layers.Rescaling(1.0 / 127.5, offset=-1.0)(images))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[-1.0, 128 / 127.5 - 1, 1.0]], atol=1e-6)


@pytest.mark.keras
def test_numpy_scale_config_matches_keras_and_round_trips(keras):
    scale = np.array([1.0, 2.0])
    config = layers.Rescaling(scale).get_config()
    assert config["scale"] == keras.layers.Rescaling(scale).get_config()["scale"]
    clone = layers.Rescaling.from_config(config)
    np.testing.assert_allclose(np.asarray(clone(np.ones((1, 2)))), [[1.0, 2.0]])


def test_rescaling_errors():
    with pytest.raises(TypeError, match=r"`scale` must be a number or a list of numbers. Received: scale='big'"):
        layers.Rescaling("big")
    with pytest.raises(ValueError, match=r"rank 2, more than the rank 1 of its inputs"):
        layers.Rescaling([[1.0, 2.0]])(np.ones((2,)))
