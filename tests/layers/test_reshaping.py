"""Reshape (with -1), Permute and RepeatVector: harness, Keras parity and error messages."""

import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers


@pytest.mark.keras
@pytest.mark.parametrize("target_shape, shape, expected", [
    ((2, 6), (3, 12), (3, 2, 6)),
    ((-1, 3), (3, 12), (3, 4, 3)),
    ((12,), (3, 2, 6), (3, 12)),
    ((2, -1, 2), (3, 4, 3), (3, 2, 3, 2)),
])
def test_reshape(keras, target_shape, shape, expected):
    run_layer_test(layers.Reshape, {"target_shape": target_shape}, shape, keras=keras, expected_output_shape=expected)


def test_reshape_symbolic_shapes():
    x = layers.Input(shape=(12,))
    assert layers.Reshape((-1, 4))(x).shape == (None, 3, 4)
    y = layers.Input(shape=(None, 4))
    assert layers.Reshape((-1, 2))(y).shape == (None, None, 2)
    ints = layers.Input(shape=(6,), dtype="int32")
    assert layers.Reshape((2, 3))(ints).dtype == "int32"


def test_reshape_errors_are_clear():
    with pytest.raises(ValueError, match=(
            r"Reshape layer 'reshape' cannot reshape inputs of shape \(batch,\) \+ \(6,\) to target_shape=\(4,\): "
            r"6 values per sample cannot be arranged as 4.*multiply to 6.*"
            r"Received: input_shape=\(None, 6\), target_shape=\(4,\)")):
        layers.Reshape((4,))(layers.Input(shape=(6,)))
    with pytest.raises(ValueError, match=r"7 values per sample cannot be split into parts of 2"):
        layers.Reshape((-1, 2))(np.zeros((3, 7), "float32"))
    with pytest.raises(ValueError, match=r"at most one unknown dimension \(-1\).*Received: target_shape=\(-1, -1\)"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match=r"non-negative integer, or -1.*Received: target_shape=\(-2, 3\)"):
        layers.Reshape((-2, 3))
    with pytest.raises(TypeError, match=r"`target_shape` must be a tuple of integers.*Received: target_shape=5"):
        layers.Reshape(5)


@pytest.mark.keras
@pytest.mark.parametrize("dims, shape, expected", [
    ((2, 1), (3, 4, 5), (3, 5, 4)),
    ((3, 1, 2), (2, 3, 4, 5), (2, 5, 3, 4)),
])
def test_permute(keras, dims, shape, expected):
    run_layer_test(layers.Permute, {"dims": dims}, shape, keras=keras, expected_output_shape=expected)


def test_permute_errors():
    with pytest.raises(ValueError, match=r"must be consecutive and start from 1.*Received: dims=\(0, 1\)"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match=r"expects inputs of rank 3 \(batch \+ 2 axes\), but received rank 2"):
        layers.Permute((2, 1))(layers.Input(shape=(4,)))


@pytest.mark.keras
def test_repeat_vector(keras):
    run_layer_test(layers.RepeatVector, {"n": 3}, (4, 5), keras=keras, expected_output_shape=(4, 3, 5))


def test_repeat_vector_errors():
    with pytest.raises(TypeError, match=r"Expected an integer value for `n`. Received: n=2.0"):
        layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match=r"positive integer. Received: n=0"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match=r"expects inputs of rank 2 \(batch, features\), but received rank 3"):
        layers.RepeatVector(2)(layers.Input(shape=(3, 4)))
