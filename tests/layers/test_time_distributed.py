"""TimeDistributed: the inner layer on every time slice, against real Keras."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import strata
from strata import layers

from rnn_parity import assert_same_gradients, assert_same_outputs, strip_name, twin

RS = np.random.RandomState(3)


@pytest.mark.keras
def test_dense_matches_keras(keras):
    x = RS.standard_normal((2, 4, 3)).astype("float32")
    ours, theirs = twin(keras, lambda lib: lib.layers.TimeDistributed(lib.layers.Dense(5, activation="relu")), x)
    out = assert_same_outputs(ours, theirs, x)
    assert out[0].shape == (2, 4, 5)
    assert_same_gradients(ours, theirs, x)
    # Each slice is the inner layer on that slice.
    np.testing.assert_allclose(out[0][:, 2], np.asarray(ours.layer(x[:, 2])), atol=1e-6)
    assert [w.path for w in ours.weights] == ["time_distributed/dense/kernel", "time_distributed/dense/bias"]


@pytest.mark.keras
def test_conv2d_matches_keras(keras):
    x = RS.standard_normal((1, 4, 5, 5, 1)).astype("float32")
    ours, theirs = twin(keras, lambda lib: lib.layers.TimeDistributed(lib.layers.Conv2D(2, 3)), x)
    out = assert_same_outputs(ours, theirs, x)
    assert out[0].shape == (1, 4, 3, 3, 2)
    assert layers.TimeDistributed(layers.Conv2D(2, 3))(strata.Input((4, 5, 5, 1))).shape == (None, 4, 3, 3, 2)


@pytest.mark.keras
def test_config_equals_keras_and_round_trips(keras):
    ours = layers.TimeDistributed(layers.Dense(2))
    theirs = keras.layers.TimeDistributed(keras.layers.Dense(2))
    config = ours.get_config()
    assert strip_name(config) == strip_name(theirs.get_config())
    clone = layers.TimeDistributed.from_config(copy.deepcopy(config))
    assert strip_name(clone.get_config()) == strip_name(config)
    assert strip_name(keras.layers.TimeDistributed.from_config(copy.deepcopy(config)).get_config()) == \
        strip_name(config)


class _MaskRecorder(layers.Layer):
    """Returns its input times the mask, so the test sees which mask arrived."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs if mask is None else inputs * mask[:, None].astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


def test_mask_is_folded_and_forwarded():
    x = np.ones((2, 3, 4), "float32")
    mask = np.array([[1, 0, 1], [0, 1, 1]], bool)
    layer = layers.TimeDistributed(_MaskRecorder())
    out = np.asarray(layer(x, mask=mask))
    np.testing.assert_array_equal(out, np.broadcast_to(mask[:, :, None], x.shape).astype("float32"))
    assert layer.compute_mask(x, mask) is mask and layer.supports_masking
    with pytest.raises(ValueError, match=r"`mask` of shape \(batch_size, timesteps, \.\.\.\), received: "
                                         r"mask\.shape=\(2, 2\)"):
        layer(x, mask=mask[:, :2])


def test_training_is_forwarded():
    x = np.ones((50, 3, 4), "float32")
    layer = layers.TimeDistributed(layers.Dropout(0.5, seed=1))
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    dropped = np.asarray(layer(x, training=True))
    assert 0.3 < np.mean(dropped == 0) < 0.7


def test_errors():
    with pytest.raises(ValueError, match=r"at least 3 dimensions, received: \(2, 3\)"):
        layers.TimeDistributed(layers.Dense(2))(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"at least 3 dimensions, received: \(None, 3\)"):
        layers.TimeDistributed(layers.Dense(2))(strata.Input((3,)))
    with pytest.raises(ValueError, match=r"with a `keras\.layers\.Layer` instance"):
        layers.TimeDistributed("dense")
