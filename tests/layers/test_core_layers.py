"""Input, InputLayer, Dense, Activation, Dropout and Flatten through the layer harness."""

import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    {"units": 3},
    {"units": 5, "activation": "relu", "use_bias": False},
    {"units": 2, "activation": "softmax", "kernel_regularizer": "l2", "bias_initializer": "ones"},
])
def test_dense(keras, kwargs):
    run_layer_test(layers.Dense, kwargs, (6, 4), keras=keras,
                   expected_output_shape=(6, kwargs["units"]),
                   expected_num_weights=2 if kwargs.get("use_bias", True) else 1)


@pytest.mark.keras
def test_dense_on_3d_inputs(keras):
    run_layer_test(layers.Dense, {"units": 3}, (2, 5, 4), keras=keras, expected_output_shape=(2, 5, 3))


@pytest.mark.keras
@pytest.mark.parametrize("activation", ["relu", "tanh", "softmax", "sigmoid", "elu"])
def test_activation(keras, activation):
    run_layer_test(layers.Activation, {"activation": activation}, (6, 4), keras=keras, train=False)


@pytest.mark.keras
def test_dropout_is_identity_at_inference_and_matches_keras_config(keras):
    run_layer_test(layers.Dropout, {"rate": 0.5}, (6, 4), keras=keras, train=False)


def test_dropout_in_training_keeps_expected_fraction_and_scales():
    x = np.ones((200, 50), "float32")
    out = np.asarray(layers.Dropout(0.3)(x, training=True))
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layers.Dropout(1.0)(x, training=True)), 0)


def test_dropout_rejects_bad_rate():
    with pytest.raises(ValueError, match=r"between 0 and 1. Received: rate=1.5"):
        layers.Dropout(1.5)


@pytest.mark.keras
def test_flatten(keras):
    run_layer_test(layers.Flatten, {}, (3, 2, 5), keras=keras, expected_output_shape=(3, 10), train=False)


def test_input_and_input_layer():
    x = layers.Input(shape=(4,), name="features")
    assert x.shape == (None, 4) and x.dtype == "float32"
    layer = x._keras_history[0]
    assert isinstance(layer, layers.InputLayer)
    assert layer.get_config() == {"batch_shape": (None, 4), "dtype": "float32", "sparse": False,
                                  "ragged": False, "name": "features", "optional": False}
    with pytest.raises(ValueError, match="both `shape` and `batch_shape`"):
        layers.Input(shape=(4,), batch_shape=(None, 4))
    with pytest.raises(TypeError, match=r"`shape` must be a tuple of integers.*shape='4'"):
        layers.Input(shape="4")


def test_dense_rejects_bad_units_and_unknown_kwargs():
    with pytest.raises(ValueError, match=r"expected a positive integer. Received: units=0"):
        layers.Dense(0)
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Dense: \{'unit': 3\}"):
        layers.Dense(3, unit=3)


def test_dense_reports_wrong_feature_count():
    dense = layers.Dense(2)
    dense(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"has 5 features on its last axis, but the layer was built for 3"):
        dense(np.zeros((1, 5), "float32"))
