"""SimpleRNNCell, LSTMCell, GRUCell: weights, one step against Keras, initial states, dropout masks."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import strata
from strata import layers

from rnn_parity import assert_same_gradients, assert_same_outputs, twin

RS = np.random.RandomState(1)
X = RS.standard_normal((4, 3)).astype("float32")
CELLS = {
    "simple_rnn_cell": (lambda lib: lib.layers.SimpleRNNCell(2), 1),
    "lstm_cell": (lambda lib: lib.layers.LSTMCell(2), 2),
    "gru_cell": (lambda lib: lib.layers.GRUCell(2), 1),
    "gru_cell_reset_before": (lambda lib: lib.layers.GRUCell(2, reset_after=False), 1),
}


def _states(n):
    return [RS.standard_normal((4, 2)).astype("float32") for _ in range(n)]


@pytest.mark.keras
@pytest.mark.parametrize("name", list(CELLS))
def test_one_step_matches_keras(keras, name):
    make, n_states = CELLS[name]
    states = _states(n_states)
    ours, theirs = make(strata), make(keras)
    ours(X, states)
    theirs(X, states)
    theirs.set_weights(ours.get_weights())
    # Non-trivial biases, so the bias layout (incl. GRU's two rows) is compared too.
    ours.bias.assign(RS.standard_normal(ours.bias.shape).astype("float32"))
    theirs.set_weights(ours.get_weights())
    a = assert_same_outputs(ours, theirs, X, states=states)
    assert len(a) == 1 + n_states
    out, new_states = ours(X, states)
    assert isinstance(new_states, list) and len(new_states) == n_states
    np.testing.assert_array_equal(np.asarray(out), np.asarray(new_states[0]))


@pytest.mark.keras
@pytest.mark.parametrize("name", ["lstm_cell", "gru_cell"])
def test_cell_inside_rnn_gradients_match_keras(keras, name):
    make, _ = CELLS[name]
    x = RS.standard_normal((2, 3, 3)).astype("float32")
    ours, theirs = twin(keras, lambda lib: lib.layers.RNN(make(lib), return_sequences=True), x)
    ours.cell.bias.assign(RS.standard_normal(ours.cell.bias.shape).astype("float32"))
    theirs.set_weights(ours.get_weights())
    assert_same_gradients(ours, theirs, x)


def test_weight_names_shapes_and_sizes():
    expected = {
        layers.SimpleRNNCell(2): [(3, 2), (2, 2), (2,)],
        layers.LSTMCell(2): [(3, 8), (2, 8), (8,)],
        layers.GRUCell(2): [(3, 6), (2, 6), (2, 6)],
        layers.GRUCell(2, reset_after=False): [(3, 6), (2, 6), (6,)],
        layers.LSTMCell(2, use_bias=False): [(3, 8), (2, 8)],
    }
    for cell, shapes in expected.items():
        cell.build((None, 3))
        assert [w.shape for w in cell.weights] == shapes
        assert [w.name for w in cell.weights] == ["kernel", "recurrent_kernel", "bias"][:len(shapes)]
        assert cell.output_size == 2
    assert layers.LSTMCell(3).state_size == [3, 3]
    assert layers.GRUCell(3).state_size == 3 and layers.SimpleRNNCell(3).state_size == 3


def test_unit_forget_bias():
    cell = layers.LSTMCell(2)
    cell.build((None, 3))
    np.testing.assert_array_equal(np.asarray(cell.bias.value), [0, 0, 1, 1, 0, 0, 0, 0])
    cell = layers.LSTMCell(2, bias_initializer="ones")
    cell.build((None, 3))
    np.testing.assert_array_equal(np.asarray(cell.bias.value), np.ones(8))
    cell = layers.LSTMCell(2, unit_forget_bias=False)
    cell.build((None, 3))
    np.testing.assert_array_equal(np.asarray(cell.bias.value), np.zeros(8))


def test_get_initial_state():
    lstm = layers.LSTMCell(3).get_initial_state(batch_size=2)
    assert [s.shape for s in lstm] == [(2, 3), (2, 3)] and all(not np.any(s) for s in lstm)
    assert [s.shape for s in layers.GRUCell(4).get_initial_state(batch_size=5)] == [(5, 4)]
    stacked = layers.StackedRNNCells([layers.LSTMCell(2), layers.GRUCell(3)])
    assert stacked.state_size == [[2, 2], 3] and stacked.output_size == 3
    assert [[s.shape for s in group] for group in stacked.get_initial_state(batch_size=1)] == [[(1, 2), (1, 2)],
                                                                                                [(1, 3)]]


def test_stacked_cells_require_the_cell_contract():
    with pytest.raises(ValueError, match=r"Every cell of StackedRNNCells must have a `state_size` attribute"):
        layers.StackedRNNCells([layers.LSTMCell(2), layers.Dense(2)])


def _identity_rnn(units, **kwargs):
    """A linear SimpleRNN whose output shows the dropout masks: kernel I, recurrent kernel 0."""
    layer = layers.SimpleRNN(units, activation="linear", use_bias=False, return_sequences=True, **kwargs)
    layer.build((None, 6, units))
    layer.cell.kernel.assign(np.eye(units, dtype="float32"))
    layer.cell.recurrent_kernel.assign(np.zeros((units, units), "float32"))
    return layer


def test_input_dropout_mask_is_drawn_once_and_reused_at_every_step():
    layer = _identity_rnn(50, dropout=0.4, seed=7)
    x = np.ones((40, 6, 50), "float32")
    out = np.asarray(layer(x, training=True))
    for t in range(1, 6):
        np.testing.assert_array_equal(out[:, t], out[:, 0])  # same mask at every timestep
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.6], rtol=1e-6)
    assert abs(np.mean(out == 0) - 0.4) < 0.03
    again = np.asarray(layer(x, training=True))
    assert not np.array_equal(again, out)  # a new call draws a new mask
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # inference: identity
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_recurrent_dropout_mask_is_reused_at_every_step():
    layer = layers.SimpleRNN(30, activation="linear", use_bias=False, return_sequences=True,
                             recurrent_dropout=0.5, seed=3)
    layer.build((None, 4, 30))
    layer.cell.kernel.assign(np.zeros((30, 30), "float32"))
    layer.cell.recurrent_kernel.assign(np.eye(30, dtype="float32"))
    x = np.zeros((20, 4, 30), "float32")
    h0 = [np.ones((20, 30), "float32")]
    out = np.asarray(layer(x, initial_state=h0, training=True))
    # h_t = h_{t-1} * m with one mask m in {0, 2}: h_t = m^(t+1) elementwise.
    for t in range(4):
        np.testing.assert_allclose(out[:, t], out[:, 0] ** (t + 1), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(x, initial_state=h0)), np.ones((20, 4, 30)))


def test_gated_cells_draw_one_mask_per_gate_with_recurrent_dropout():
    lstm = layers.LSTMCell(8, dropout=0.5, recurrent_dropout=0.5, seed=1)
    inputs, recurrent = lstm.draw_masks((16, 5), training=True)
    assert inputs.shape == (4, 16, 5) and recurrent.shape == (4, 16, 8)
    assert not np.array_equal(np.asarray(inputs[0]), np.asarray(inputs[1]))
    gru = layers.GRUCell(8, dropout=0.5, seed=1)  # recurrent_dropout 0: one shared input mask
    inputs, recurrent = gru.draw_masks((16, 5), training=True)
    assert inputs.shape == (16, 5) and recurrent is None
    assert layers.GRUCell(8, recurrent_dropout=0.1).mask_count == 3
    assert lstm.draw_masks((16, 5), training=False) == (None, None)


def test_dropout_inside_a_compiled_function_differs_per_step_key():
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, seed=2, return_sequences=True)
    x = np.ones((3, 5, 2), "float32")
    layer(x)
    from strata.core.random import step_random

    @jax.jit
    def run(step):
        with step_random(step):
            return layer(x, training=True)

    a, b = np.asarray(run(0)), np.asarray(run(1))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, np.asarray(run(0)))
