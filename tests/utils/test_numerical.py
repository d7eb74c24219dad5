"""to_categorical and normalize against Keras, with strata's label checks."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata.utils.numerical import normalize, to_categorical


@pytest.mark.keras
@pytest.mark.parametrize("labels, num_classes", [
    ([0, 2, 1, 2], None),
    ([0, 2, 1, 2], 5),
    (np.array([[1], [0], [3]]), None),
    (np.array([[0, 1], [2, 1]]), None),
    (np.array([1.0, 0.0]), None),
    (np.array([3]), 4),
])
def test_to_categorical_matches_keras(keras, labels, num_classes):
    ours = to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(labels, num_classes)
    assert isinstance(ours, np.ndarray) and ours.dtype == np.float64
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.keras
def test_to_categorical_of_jax_arrays_matches_keras(keras):
    labels = jnp.array([[2], [0], [1]])
    ours = to_categorical(labels, 3)
    theirs = keras.utils.to_categorical(labels, 3)
    assert isinstance(ours, jax.Array) and ours.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    np.testing.assert_array_equal(np.asarray(to_categorical(jnp.array([0, 1]))), np.eye(2))


def test_to_categorical_inside_jit():
    encoded = jax.jit(lambda y: to_categorical(y, 3))(jnp.array([2, 0]))
    np.testing.assert_array_equal(np.asarray(encoded), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"cannot infer the class count. Received: num_classes=None"):
        jax.jit(to_categorical)(jnp.array([2, 0]))


@pytest.mark.keras
def test_out_of_range_labels_raise_clear_errors(keras):
    # Keras raises a bare IndexError above the range and silently wraps negative labels around.
    with pytest.raises(IndexError):
        keras.utils.to_categorical([0, 5], 3)
    assert keras.utils.to_categorical([0, -1], 3)[1].tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValueError, match=r"Received the label 5 with num_classes=3. Pass num_classes=6"):
        to_categorical([0, 5], 3)
    with pytest.raises(ValueError, match=r"Received a negative label: -1"):
        to_categorical([0, -1], 3)
    with pytest.raises(ValueError, match=r"Received a negative label: -2"):
        to_categorical(jnp.array([-2, 1]))
    with pytest.raises(ValueError, match=r"`num_classes` must be a positive int or None. Received: num_classes=0.5"):
        to_categorical([0], 0.5)


@pytest.mark.keras
@pytest.mark.parametrize("shape, axis, order", [
    ((4, 5), -1, 2), ((4, 5), -1, 1), ((2, 3, 4), -1, 2), ((6,), -1, 2), ((3, 4), 1, 2),
])
def test_normalize_numpy_matches_keras(keras, shape, axis, order):
    x = np.random.default_rng(3).normal(size=shape)
    x[0] = 0.0  # an all-zero slice stays zero
    ours = normalize(x, axis=axis, order=order)
    theirs = keras.utils.normalize(x, axis=axis, order=order)
    assert isinstance(ours, np.ndarray) and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.keras
@pytest.mark.parametrize("axis, order", [(-1, 2), (0, 2), (-1, 1), (0, 3)])
def test_normalize_tensors_matches_keras(keras, axis, order):
    x = jnp.asarray(np.random.default_rng(4).normal(size=(5, 3)).astype("float32"))
    ours = normalize(x, axis=axis, order=order)
    theirs = keras.utils.normalize(x, axis=axis, order=order)
    assert isinstance(ours, jax.Array)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-7)


def test_normalize_columns_of_numpy_input():
    # Keras turns axis=0 into -1 on its NumPy path and then fails to broadcast; strata normalizes columns.
    x = np.array([[3.0, 0.0], [4.0, 2.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0), [[0.6, 0.0], [0.8, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"`order` must be an int >= 1. Received: order=0"):
        normalize(jnp.ones((2, 2)), order=0)
