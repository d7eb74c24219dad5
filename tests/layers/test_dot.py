"""Dot: batch dot products along chosen axes, normalize=True, shape errors, Keras parity."""

import numpy as np
import pytest
from merge_harness import run_merge_test

from strata import layers


@pytest.mark.keras
@pytest.mark.parametrize("kwargs, shapes, expected", [
    ({"axes": 1}, [(4, 3), (4, 3)], (4, 1)),
    ({"axes": -1, "normalize": True}, [(4, 3), (4, 3)], (4, 1)),
    ({"axes": 2}, [(4, 2, 3), (4, 5, 3)], (4, 2, 5)),
    ({"axes": (1, 2)}, [(4, 3, 2), (4, 5, 3)], (4, 2, 5)),
    ({"axes": [2, 1], "normalize": True}, [(4, 2, 3), (4, 3, 5)], (4, 2, 5)),
    ({"axes": 1}, [(4, 3), (4, 3, 2)], (4, 2)),
    ({"axes": (2, 1)}, [(4, 2, 3), (4, 3)], (4, 2)),
])
def test_dot(keras, kwargs, shapes, expected):
    run_merge_test(layers.Dot, kwargs, shapes, keras=keras, expected_output_shape=expected)


def test_dot_values_and_cosine_similarity():
    a, b = np.array([[1.0, 2.0], [3.0, 0.0]], "float32"), np.array([[3.0, 4.0], [0.0, 5.0]], "float32")
    np.testing.assert_allclose(np.asarray(layers.Dot(axes=1)([a, b])), [[11.0], [0.0]])
    cosine = np.asarray(layers.dot([a, b], axes=1, normalize=True))
    np.testing.assert_allclose(cosine, [[11 / (np.sqrt(5) * 5)], [0.0]], rtol=1e-6)
    zeros = np.zeros((1, 2), "float32")
    assert np.isfinite(np.asarray(layers.Dot(1, normalize=True)([zeros, zeros]))).all()


def test_dot_shape_errors():
    a, b = layers.Input(shape=(3,), name="left"), layers.Input(shape=(4,), name="right")
    with pytest.raises(ValueError, match=(
            r"Inputs to Dot layer 'dot' must have equal sizes along the dot axes \(axes=1\), but received "
            r"shapes \(None, 3\) from layer 'left' and \(None, 4\) from layer 'right'")):
        layers.Dot(axes=1)([a, b])
    with pytest.raises(ValueError, match=r"cannot contract axes=0"):
        layers.Dot(axes=0)([np.zeros((2, 3)), np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"exactly 2 input\(s\)"):
        layers.Dot(axes=1)([np.zeros((2, 3))] * 3)
    with pytest.raises(ValueError, match=r"rank 2 or more"):
        layers.Dot(axes=1)([np.zeros((2,)), np.zeros((2,))])


def test_dot_rejects_bad_axes():
    with pytest.raises(TypeError, match=r"`axes` must be an int or a list of two ints. Received: axes='1'"):
        layers.Dot(axes="1")
    with pytest.raises(ValueError, match=r"exactly two integers. Received: axes=\(1, 2, 3\)"):
        layers.Dot(axes=(1, 2, 3))
