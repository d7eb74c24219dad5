"""Bidirectional against real Keras: merge modes, states, masks, copies, configs, errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import strata
from strata import layers

from rnn_parity import assert_same_gradients, assert_same_outputs, strip_name, twin

RS = np.random.RandomState(2)
X = RS.standard_normal((3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], bool)


@pytest.mark.keras
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_merge_modes_match_keras(keras, merge_mode):
    def make(lib):
        return lib.layers.Bidirectional(lib.layers.GRU(3, return_sequences=True), merge_mode=merge_mode)

    ours, theirs = twin(keras, make, X)
    out = assert_same_outputs(ours, theirs, X, mask=MASK)
    if merge_mode is None:
        assert len(out) == 2
    if merge_mode == "concat":
        assert_same_gradients(ours, theirs, X, mask=MASK)


@pytest.mark.keras
@pytest.mark.parametrize("return_sequences", [False, True])
def test_return_state_layout_matches_keras(keras, return_sequences):
    def make(lib):
        return lib.layers.Bidirectional(lib.layers.LSTM(3, return_state=True, return_sequences=return_sequences))

    ours, theirs = twin(keras, make, X)
    out = assert_same_outputs(ours, theirs, X, mask=MASK)
    assert len(out) == 5  # [merged, h_fw, c_fw, h_bw, c_bw]
    states = [RS.standard_normal((3, 3)).astype("float32") for _ in range(4)]
    assert_same_outputs(ours, theirs, X, initial_state=states)
    none_mode = layers.Bidirectional(layers.GRU(2, return_state=True), merge_mode=None)(X)
    assert len(none_mode) == 4


def test_backward_output_is_flipped_back_to_input_time():
    layer = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True), merge_mode=None)
    fw, bw = layer(X)
    backward = layers.SimpleRNN(2, return_sequences=True)
    backward(X)
    backward.set_weights(layer.backward_layer.get_weights())
    np.testing.assert_allclose(np.asarray(bw), np.asarray(backward(X[:, ::-1]))[:, ::-1], atol=1e-6)
    np.testing.assert_allclose(np.asarray(fw), np.asarray(layer.forward_layer(X)), atol=1e-6)


def test_copies_names_and_weights():
    inner = layers.LSTM(5, name="lstm_5")
    layer = layers.Bidirectional(inner)
    layer(X)
    assert layer.forward_layer is not inner and not inner.built
    assert layer.forward_layer.name == "forward_lstm_5" and layer.backward_layer.name == "backward_lstm_5"
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    assert [w.path for w in layer.weights][:3] == ["bidirectional/forward_lstm_5/lstm_cell/kernel",
                                                   "bidirectional/forward_lstm_5/lstm_cell/recurrent_kernel",
                                                   "bidirectional/forward_lstm_5/lstm_cell/bias"]
    assert layer.weights[3].path == "bidirectional/backward_lstm_5/lstm_cell/kernel"
    sequences = layers.Bidirectional(layers.GRU(2, return_sequences=True))
    assert sequences.forward_layer.zero_output_for_mask and sequences.backward_layer.zero_output_for_mask
    assert not layer.forward_layer.zero_output_for_mask


@pytest.mark.keras
def test_custom_backward_layer_and_weights_argument_match_keras(keras):
    def make(lib):
        return lib.layers.Bidirectional(lib.layers.LSTM(2, return_sequences=True),
                                        backward_layer=lib.layers.GRU(2, go_backwards=True, return_sequences=True),
                                        merge_mode="sum")

    ours, theirs = twin(keras, make, X)
    assert type(ours.backward_layer).__name__ == "GRU"
    assert_same_outputs(ours, theirs, X, mask=MASK)
    weights = [RS.standard_normal(w.shape).astype("float32") for w in ours.weights]
    preset = layers.Bidirectional(layers.LSTM(2, return_sequences=True),
                                  backward_layer=layers.GRU(2, go_backwards=True, return_sequences=True),
                                  weights=weights)
    preset(X)
    for a, b in zip(preset.get_weights(), weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.keras
def test_config_equals_keras_and_round_trips(keras):
    def make(lib):
        return lib.layers.Bidirectional(lib.layers.LSTM(3, dropout=0.1, return_sequences=True), merge_mode="ave")

    ours, theirs = make(strata), make(keras)
    config = ours.get_config()
    assert strip_name(config) == strip_name(theirs.get_config())
    assert config["layer"]["config"]["name"] == "forward_lstm"
    clone = layers.Bidirectional.from_config(copy.deepcopy(config))
    assert strip_name(clone.get_config()) == strip_name(config)
    assert clone.forward_layer.name == "forward_lstm" and clone.backward_layer.name == "backward_lstm"
    keras_clone = keras.layers.Bidirectional.from_config(copy.deepcopy(config))
    assert strip_name(keras_clone.get_config()) == strip_name(config)


def test_shapes_and_masks():
    x = strata.Input((5, 4))
    assert layers.Bidirectional(layers.GRU(2))(x).shape == (None, 4)
    assert layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode="sum")(x).shape == (None, 5, 2)
    out = layers.Bidirectional(layers.LSTM(2, return_state=True))(x)
    assert [t.shape for t in out] == [(None, 4)] + [(None, 2)] * 4
    out = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=None)(x)
    assert [t.shape for t in out] == [(None, 5, 2)] * 2
    layer = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    assert layer.compute_mask(X, MASK) is MASK and layer.supports_masking
    assert layers.Bidirectional(layers.LSTM(2)).compute_mask(X, MASK) is None
    assert layers.Bidirectional(layers.GRU(2, return_state=True), merge_mode=None).compute_mask(X, MASK) == [
        None, None, None, None]


def test_stateful_bidirectional_resets_both_directions():
    layer = layers.Bidirectional(layers.GRU(2, stateful=True))
    first = np.asarray(layer(X))
    assert not np.allclose(np.asarray(layer(X)), first)
    layer.reset_states()
    np.testing.assert_allclose(np.asarray(layer(X)), first, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match=r"Invalid merge mode\. Received: 'max'"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match=r"with a `keras\.layers\.Layer` instance.*Received: 3"):
        layers.Bidirectional(3)
    with pytest.raises(ValueError, match=r"`backward_layer` need to be a `keras\.layers\.Layer` instance"):
        layers.Bidirectional(layers.LSTM(2), backward_layer="gru")
    with pytest.raises(ValueError, match=r"different `go_backwards` value"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match=r'same value for attribute "return_sequences"'):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_sequences=True))
