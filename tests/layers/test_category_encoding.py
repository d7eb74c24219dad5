"""CategoryEncoding: parity with Keras on JAX, jittable inside a compiled model, errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from strata import layers
from strata.models import Model

INPUTS = [
    np.array([[0, 1], [0, 0], [1, 2], [3, 1]], dtype="int32"),
    np.array([3, 2, 0, 1], dtype="int32"),
    np.array([[1], [3], [0]], dtype="int32"),
    np.array([[0, 5], [-1, 2]], dtype="int32"),  # out-of-range ids add nothing
]


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count", "binary"])
@pytest.mark.parametrize("index", range(len(INPUTS)))
def test_matches_keras(keras, mode, index):
    x = INPUTS[index]
    ours = layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    theirs = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    expected = np.asarray(theirs(x))
    got = np.asarray(ours(x))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    assert ours.compute_output_shape(x.shape) == theirs.compute_output_shape(x.shape)
    config, keras_config = ours.get_config(), theirs.get_config()
    config.pop("name"), keras_config.pop("name")
    assert config == keras_config


@pytest.mark.keras
def test_count_weights_match_keras(keras):
    x = np.array([[0, 1, 1], [2, 2, 0]], dtype="int32")
    w = np.array([[0.5, 1.0, 2.0], [1.0, 3.0, 0.25]], dtype="float32")
    expected = keras.layers.CategoryEncoding(num_tokens=3, output_mode="count")(x, count_weights=w)
    got = layers.CategoryEncoding(num_tokens=3, output_mode="count")(x, count_weights=w)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected))


def test_jittable_and_inside_a_model():
    layer = layers.CategoryEncoding(num_tokens=5, output_mode="count")
    x = np.array([[1, 1, 4], [0, 2, 2]], dtype="int32")
    jitted = jax.jit(lambda v: layer(v))(x)
    np.testing.assert_array_equal(np.asarray(jitted), [[0, 2, 0, 0, 1], [1, 0, 2, 0, 0]])
    inp = layers.Input(shape=(3,), dtype="int32")
    out = layers.CategoryEncoding(num_tokens=5, output_mode="multi_hot")(inp)
    assert out.shape == (None, 5)
    model = Model(inp, layers.Dense(2, kernel_initializer="ones")(out))
    np.testing.assert_allclose(model.predict(x, verbose=0), [[2, 2], [2, 2]])


def test_from_config_round_trip():
    layer = layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")
    clone = layers.CategoryEncoding.from_config(layer.get_config())
    np.testing.assert_array_equal(np.asarray(clone([2, 0])), np.asarray(layer([2, 0])))


@pytest.mark.parametrize("kwargs, match", [
    ({"num_tokens": 3, "output_mode": "tf_idf"}, "output_mode: tf_idf.*'count', 'one_hot', 'multi_hot'"),
    ({}, "num_tokens must be set"),
    ({"num_tokens": 0}, "num_tokens=0"),
    ({"num_tokens": 3, "sparse": True}, "sparse=True"),
])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.CategoryEncoding(**kwargs)


def test_count_weights_need_count_mode():
    with pytest.raises(ValueError, match="`count_weights` is not used"):
        layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")([1], count_weights=[1.0])
