"""ConvLSTM1D/2D against real Keras: outputs, states, gradients, configs, files, errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import strata
from strata import layers

from file_roundtrip import assert_files_cross_load
from rnn_parity import assert_same_gradients, assert_same_outputs, strip_name, twin

RS = np.random.RandomState(5)
X2 = RS.standard_normal((2, 3, 5, 4, 2)).astype("float32")
X1 = RS.standard_normal((2, 3, 6, 2)).astype("float32")
MASK = np.array([[1, 1, 0], [0, 1, 1]], bool)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    {"padding": "valid"},
    {"padding": "same", "strides": 2, "return_sequences": True, "return_state": True},
    {"kernel_size": (2, 3), "dilation_rate": 2, "padding": "same", "go_backwards": True, "return_sequences": True},
    {"data_format": "channels_first", "return_state": True},
])
def test_conv_lstm2d_matches_keras(keras, kwargs):
    kwargs = dict(kwargs)
    kernel_size = kwargs.pop("kernel_size", 3)
    x = np.transpose(X2, (0, 1, 4, 2, 3)) if kwargs.get("data_format") == "channels_first" else X2
    ours, theirs = twin(keras, lambda lib: lib.layers.ConvLSTM2D(3, kernel_size, **kwargs), x)
    ours.cell.bias.assign(RS.standard_normal((12,)).astype("float32"))
    theirs.set_weights(ours.get_weights())
    assert_same_outputs(ours, theirs, x)
    if kwargs.get("strides") == 2:
        assert_same_gradients(ours, theirs, x)
    symbolic = type(ours)(3, kernel_size, **kwargs)(strata.Input(x.shape[1:]))
    expected = theirs.compute_output_shape((None,) + x.shape[1:])
    got = [t.shape for t in symbolic] if isinstance(symbolic, list) else symbolic.shape
    assert got == (list(expected) if isinstance(expected[0], tuple) else expected)


@pytest.mark.keras
def test_conv_lstm1d_matches_keras(keras):
    ours, theirs = twin(keras, lambda lib: lib.layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True), X1)
    out = assert_same_outputs(ours, theirs, X1)
    assert out[0].shape == (2, 3, 6, 2)
    assert_same_gradients(ours, theirs, X1)


def test_masked_steps_carry_the_state_per_sample():
    """Keras's JAX loop broadcasts the (batch, 1) step mask against the state's last two axes, which
    mixes samples for ConvLSTM states; strata masks per sample, as for the other recurrent layers."""
    layer = layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True)
    out = np.asarray(layer(X1, mask=MASK))
    np.testing.assert_array_equal(out[0, 2], out[0, 1])  # masked step repeats the previous output
    np.testing.assert_array_equal(out[1, 0], np.zeros((6, 2), "float32"))  # zeros before the first valid step
    np.testing.assert_allclose(out[0, :2], np.asarray(layer(X1[:1, :2]))[0], atol=1e-6)


def test_weights_and_params():
    layer = layers.ConvLSTM2D(4, 3)
    layer(X2)
    assert [w.shape for w in layer.weights] == [(3, 3, 2, 16), (3, 3, 4, 16), (16,)]
    assert [w.path for w in layer.weights][0] == "conv_lstm2d/conv_lstm_cell/kernel"
    np.testing.assert_array_equal(np.asarray(layer.cell.bias.value), [0] * 4 + [1] * 4 + [0] * 8)
    assert layer.count_params() == 9 * 2 * 16 + 9 * 4 * 16 + 16
    assert (layer.filters, layer.kernel_size, layer.padding, layer.strides) == (4, (3, 3), "valid", (1, 1))


@pytest.mark.keras
@pytest.mark.parametrize("cls", ["ConvLSTM1D", "ConvLSTM2D"])
def test_config_equals_keras_and_round_trips(keras, cls):
    def make(lib):
        return getattr(lib.layers, cls)(3, 2, padding="same", dropout=0.1, return_sequences=True, seed=2,
                                        kernel_regularizer="l2")

    ours, theirs = make(strata), make(keras)
    config = ours.get_config()
    assert strip_name(config) == strip_name(theirs.get_config())
    clone = type(ours).from_config(copy.deepcopy(config))
    assert strip_name(clone.get_config()) == strip_name(config)
    keras_clone = type(theirs).from_config(copy.deepcopy(config))
    assert strip_name(keras_clone.get_config()) == strip_name(config)


def test_dropout_masks_one_per_gate_and_only_in_training():
    layer = layers.ConvLSTM1D(3, 3, dropout=0.5, recurrent_dropout=0.5, seed=1, return_sequences=True)
    reference = layers.ConvLSTM1D(3, 3, return_sequences=True)
    layer(X1)
    reference(X1)
    reference.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(layer(X1)), np.asarray(reference(X1)), atol=1e-6)
    assert not np.allclose(np.asarray(layer(X1, training=True)), np.asarray(reference(X1)))
    inputs, recurrent = layer.cell.draw_masks((2, 6, 2), training=True)
    assert inputs.shape == (4, 2, 6, 2) and recurrent.shape == (4, 2, 4, 3)
    only_input = layers.ConvLSTM2D(2, 3, dropout=0.3).cell.draw_masks((2, 5, 4, 2), training=True)
    assert only_input[0].shape == (4, 2, 5, 4, 2) and only_input[1] is None


def test_input_rank_error():
    with pytest.raises(ValueError, match=r"expected ndim=5, found ndim=4\. Full shape received: \(None, 5, 4, 2\)"):
        layers.ConvLSTM2D(2, 3)(strata.Input((5, 4, 2)))
    with pytest.raises(ValueError, match=r"expected ndim=4, found ndim=3\. Full shape received: \(2, 6, 2\)"):
        layers.ConvLSTM1D(2, 3)(X1[:, 0])


@pytest.mark.keras
def test_files_cross_load_with_keras(keras, tmp_path):
    def build(lib):
        return lib.Sequential([lib.Input((3, 5, 4, 2)), lib.layers.ConvLSTM2D(2, 3, padding="same"),
                               lib.layers.Flatten(), lib.layers.Dense(1)])

    assert_files_cross_load(keras, tmp_path, build, X2, suffixes=(".keras", ".weights.h5"))
