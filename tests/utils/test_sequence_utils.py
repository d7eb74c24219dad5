"""pad_sequences against real Keras 3 (``keras.utils.pad_sequences`` needs no TensorFlow)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from strata.utils import pad_sequences

SEQUENCES = [[1], [2, 3], [4, 5, 6], [], [7, 8, 9, 10]]


@pytest.mark.keras
@pytest.mark.parametrize("maxlen", [None, 2, 3, 6])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_matches_keras_for_every_padding_and_truncation(keras_oracle, maxlen, padding, truncating):
    kwargs = dict(maxlen=maxlen, padding=padding, truncating=truncating)
    expected = keras_oracle.utils.pad_sequences(SEQUENCES, **kwargs)
    ours = pad_sequences(SEQUENCES, **kwargs)
    assert ours.dtype == expected.dtype == np.int32
    np.testing.assert_array_equal(ours, expected)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    dict(value=-1),
    dict(dtype="float32", value=0.5, maxlen=4),
    dict(dtype="int64"),
    dict(dtype=object, value="<pad>"),
    dict(dtype="<U5", value="x", padding="post"),
])
def test_dtype_and_value_match_keras(keras_oracle, kwargs):
    sequences = [["a", "b"], ["c"]] if isinstance(kwargs.get("value"), str) else SEQUENCES
    expected = keras_oracle.utils.pad_sequences(sequences, **kwargs)
    ours = pad_sequences(sequences, **kwargs)
    assert ours.dtype == expected.dtype
    np.testing.assert_array_equal(ours, expected)


@pytest.mark.keras
def test_steps_that_are_vectors_and_numpy_inputs_match_keras(keras_oracle):
    sequences = [np.ones((2, 3)), np.arange(12.0).reshape(4, 3), np.zeros((0, 3))]
    for kwargs in (dict(), dict(maxlen=3, padding="post", dtype="float32")):
        expected = keras_oracle.utils.pad_sequences(sequences, **kwargs)
        ours = pad_sequences(sequences, **kwargs)
        assert ours.shape == expected.shape
        np.testing.assert_array_equal(ours, expected)
    ragged = np.array([np.arange(3), np.arange(5)], dtype=object)
    np.testing.assert_array_equal(pad_sequences(ragged), keras_oracle.utils.pad_sequences(ragged))


def test_docstring_example_values():
    np.testing.assert_array_equal(pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2),
                                  [[0, 1], [2, 3], [5, 6]])
    assert pad_sequences([], maxlen=3).shape == (0, 3)


@pytest.mark.keras
@pytest.mark.parametrize("args, kwargs", [
    ((5,), {}),
    (([1, 2], [3]), {}),
    ((SEQUENCES,), dict(truncating="middle")),
    ((SEQUENCES,), dict(padding="both")),
    (([[1], [2, 3]],), dict(value="x")),
    (([[[1, 2]], [[1, 2, 3]]],), {}),
])
def test_errors_match_keras(keras_oracle, args, kwargs):
    with pytest.raises(ValueError) as keras_error:
        keras_oracle.utils.pad_sequences(*args, **kwargs)
    with pytest.raises(ValueError, match=re.escape(str(keras_error.value))):
        pad_sequences(*args, **kwargs)


def test_error_messages_name_the_problem():
    with pytest.raises(ValueError, match='Truncating type "middle" not understood'):
        pad_sequences([[1, 2]], truncating="middle")
    with pytest.raises(ValueError, match="Found non-iterable: 3"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="Shape of sample \\(3,\\) of sequence at position 1"):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])
    with pytest.raises(ValueError, match="`sequences` is empty and `maxlen` is None"):
        pad_sequences([])
