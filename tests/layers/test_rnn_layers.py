"""SimpleRNN, LSTM, GRU and the generic RNN against real Keras: outputs, states, gradients, configs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import strata
from strata import layers

from rnn_parity import assert_same_gradients, assert_same_outputs, strip_name, twin

RS = np.random.RandomState(0)
X = RS.standard_normal((3, 5, 4)).astype("float32")
MASKS = {
    "none": None,
    "right_padded": np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], bool),
    "left_padded": np.array([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 1, 0, 1, 1]], bool),
}
KINDS = {
    "simple_rnn": lambda lib, **kw: lib.layers.SimpleRNN(3, **kw),
    "lstm": lambda lib, **kw: lib.layers.LSTM(3, **kw),
    "gru": lambda lib, **kw: lib.layers.GRU(3, **kw),
    "gru_reset_before": lambda lib, **kw: lib.layers.GRU(3, reset_after=False, **kw),
}
FLAGS = [
    {},
    {"return_sequences": True, "return_state": True},
    {"return_sequences": True, "go_backwards": True},
    {"return_state": True, "go_backwards": True},
]


def kind_index(kind):
    return list(KINDS).index(kind)


def _mask_kwargs(name):
    return {} if MASKS[name] is None else {"mask": MASKS[name]}


@pytest.mark.keras
@pytest.mark.parametrize("kind", list(KINDS))
def test_layer_matches_keras(keras, kind):
    """Flag combinations, each with one of the masks (none, right/left padded, a fully masked row)."""
    masks = list(MASKS)
    for index, flags in enumerate(FLAGS):
        ours, theirs = twin(keras, lambda lib: KINDS[kind](lib, **flags), X)
        assert_same_outputs(ours, theirs, X, **_mask_kwargs(masks[(index + kind_index(kind)) % 3]))
        if index == 1:
            assert_same_gradients(ours, theirs, X, **_mask_kwargs(masks[index % 3]))


@pytest.mark.keras
@pytest.mark.parametrize("kind", ["lstm", "gru_reset_before"])
def test_unroll_matches_keras(keras, kind):
    ours, theirs = twin(keras, lambda lib: KINDS[kind](lib, unroll=True, return_sequences=True,
                                                       return_state=True, go_backwards=True), X)
    for mask in MASKS:
        assert_same_outputs(ours, theirs, X, **_mask_kwargs(mask))
    assert_same_gradients(ours, theirs, X, **_mask_kwargs("left_padded"))


@pytest.mark.keras
def test_masked_steps_repeat_the_previous_output():
    layer = layers.LSTM(2, return_sequences=True)
    out = np.asarray(layer(X, mask=MASKS["right_padded"]))
    np.testing.assert_array_equal(out[0, 3], out[0, 2])
    np.testing.assert_array_equal(out[0, 4], out[0, 2])
    np.testing.assert_array_equal(out[2], np.zeros((5, 2), "float32"))  # a fully masked row stays at h0
    last = np.asarray(layers.LSTM(2, return_sequences=False)(X, mask=MASKS["right_padded"]))
    assert last.shape == (3, 2)


@pytest.mark.keras
@pytest.mark.parametrize("go_backwards", [False, True])
def test_zero_output_for_mask_matches_keras(keras, go_backwards):
    def make(lib):
        return lib.layers.RNN(lib.layers.GRUCell(3), return_sequences=True, return_state=True,
                              zero_output_for_mask=True, go_backwards=go_backwards)

    ours, theirs = twin(keras, make, X)
    out = assert_same_outputs(ours, theirs, X, mask=MASKS["right_padded"])
    if not go_backwards:
        np.testing.assert_array_equal(out[0][0, 3:], 0.0)
    assert_same_gradients(ours, theirs, X, mask=MASKS["left_padded"])


def test_go_backwards_equals_forward_on_reversed_time():
    forward = layers.GRU(3, return_sequences=True)
    backward = layers.GRU(3, return_sequences=True, go_backwards=True)
    forward(X)
    backward(X)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(np.asarray(backward(X)), np.asarray(forward(X[:, ::-1])), atol=1e-6)


@pytest.mark.keras
@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_initial_state_matches_keras(keras, kind):
    n_states = 2 if kind == "lstm" else 1
    states = [RS.standard_normal((3, 3)).astype("float32") for _ in range(n_states)]
    ours, theirs = twin(keras, lambda lib: KINDS[kind](lib, return_sequences=True, return_state=True), X)
    out = assert_same_outputs(ours, theirs, X, initial_state=states)
    assert not np.allclose(out[0], np.asarray(ours(X)[0]))
    # Masked leading steps repeat the initial state as output (the scan carries h0).
    out = assert_same_outputs(ours, theirs, X, initial_state=states, mask=MASKS["left_padded"])
    np.testing.assert_allclose(out[0][0, 0], states[0][0], atol=1e-6)


@pytest.mark.keras
def test_stateful_matches_keras_over_two_batches_then_reset(keras):
    x1, x2 = X[:2], X[1:]

    def make(lib):
        return lib.layers.LSTM(3, stateful=True, return_state=True)

    ours, theirs = twin(keras, make, x1)
    ours.reset_states()
    theirs.reset_states()
    for batch in (x1, x2):
        assert_same_outputs(ours, theirs, batch)
    first = np.asarray(ours(x1)[0])
    ours.reset_states()
    again = np.asarray(ours(x1)[0])
    ours.reset_state()
    fresh = np.asarray(ours(x1)[0])
    np.testing.assert_allclose(again, fresh, atol=1e-6)
    assert not np.allclose(first, fresh)
    # State variables are untracked: not weights, not params.
    assert len(ours.states) == 2 and len(ours.weights) == 3
    assert ours.count_params() == theirs.count_params()


def test_stateful_errors():
    with pytest.raises(ValueError, match=r"batch size must be static\. Found dynamic batch size: "
                                         r"sequence\.shape=\(None, 5, 4\)"):
        layers.LSTM(2, stateful=True)(strata.Input((5, 4)))
    layer = layers.LSTM(2, stateful=True)
    layer(X)
    with pytest.raises(ValueError, match=r"Expected batch size: 3\n- Received batch size: 2"):
        layer(X[:2])
    symbolic = layers.GRU(2, stateful=True)(strata.Input((5, 4), batch_size=3))
    assert symbolic.shape == (3, 2)


def test_two_dimensional_input_errors_name_the_fix():
    fix = (r"To feed 6 features per sample as 1 timestep, reshape with `x = np\.reshape\(x, \(len\(x\), 1, 6\)\)`; "
           r"for 6 timesteps of 1 feature use `x\[\.\.\., None\]`")
    for make in (lambda: layers.SimpleRNN(2), lambda: layers.LSTM(2), lambda: layers.GRU(2),
                 lambda: layers.RNN(layers.LSTMCell(2)), lambda: layers.Bidirectional(layers.LSTM(2))):
        layer = make()
        with pytest.raises(ValueError, match=rf"Input 0 with name 'None' of layer '{layer.name}' is incompatible "
                                             rf"with the layer: expected ndim=3, found ndim=2\. Full shape received: "
                                             rf"\(None, 6\)\. Recurrent layers .*{fix}"):
            layer(strata.Input((6,)))
        with pytest.raises(ValueError, match=rf"found ndim=2\. Full shape received: \(2, 6\)\..*{fix}"):
            layer(np.zeros((2, 6), "float32"))


def test_unroll_needs_known_timesteps():
    with pytest.raises(ValueError, match="Cannot unroll a RNN if the time dimension is undefined"):
        layers.LSTM(2, unroll=True)(strata.Input((None, 4)))


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"invalid value for argument `units`.*got 0"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match=r"`cell` must have a `state_size` attribute"):
        layers.RNN(layers.Dense(2))


def test_symbolic_shapes_and_masks():
    x = strata.Input((5, 4))
    out, h, c = layers.LSTM(3, return_sequences=True, return_state=True)(x)
    assert (out.shape, h.shape, c.shape) == ((None, 5, 3), (None, 3), (None, 3))
    assert layers.GRU(3)(strata.Input((None, 4))).shape == (None, 3)
    stacked = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], return_state=True)(x)
    assert [t.shape for t in strata.layers.rnn.recurrence.jax.tree_util.tree_leaves(stacked)] == [
        (None, 3), (None, 2), (None, 2), (None, 3)]
    mask = MASKS["left_padded"]
    assert layers.LSTM(2, return_sequences=True).compute_mask(X, mask) is mask
    assert layers.LSTM(2).compute_mask(X, mask) is None
    assert layers.LSTM(2, return_sequences=True, return_state=True).compute_mask(X, mask) == [mask, None, None]
    assert layers.LSTM(2).supports_masking


def make_user_cell(lib):
    class MinimalRNNCell(lib.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                          name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            output = lib.ops.tanh(lib.ops.matmul(inputs, self.kernel)
                                  + lib.ops.matmul(states[0], self.recurrent_kernel))
            return output, [output]

    return MinimalRNNCell(3)


@pytest.mark.keras
def test_user_written_cell_matches_keras(keras):
    ours, theirs = twin(keras, lambda lib: lib.layers.RNN(make_user_cell(lib), return_sequences=True,
                                                          return_state=True), X)
    assert_same_outputs(ours, theirs, X)
    assert_same_gradients(ours, theirs, X, mask=MASKS["left_padded"])
    ours, theirs = twin(keras, lambda lib: lib.layers.RNN(make_user_cell(lib), go_backwards=True), X)
    assert_same_outputs(ours, theirs, X, mask=MASKS["right_padded"])
    unrolled, theirs = twin(keras, lambda lib: lib.layers.RNN(make_user_cell(lib), unroll=True), X)
    assert_same_outputs(unrolled, theirs, X, mask=MASKS["left_padded"])


@pytest.mark.keras
def test_stacked_cells_match_keras(keras):
    def make(lib):
        return lib.layers.RNN([lib.layers.LSTMCell(2), lib.layers.GRUCell(3)],
                              return_sequences=True, return_state=True)

    ours, theirs = twin(keras, make, X)
    assert isinstance(ours.cell, layers.StackedRNNCells)
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert_same_outputs(ours, theirs, X)
    assert_same_gradients(ours, theirs, X, mask=MASKS["right_padded"])


CONFIG_CASES = {
    "simple_rnn": lambda lib: lib.layers.SimpleRNN(4, activation="relu", dropout=0.1, return_sequences=True,
                                                   kernel_regularizer="l2", seed=3),
    "lstm": lambda lib: lib.layers.LSTM(4, unit_forget_bias=False, recurrent_dropout=0.2, seed=1,
                                        go_backwards=True, stateful=True, unroll=True, name="x"),
    "gru": lambda lib: lib.layers.GRU(4, reset_after=False, use_bias=False, return_state=True,
                                      bias_initializer="ones", activity_regularizer="l1"),
    "rnn": lambda lib: lib.layers.RNN(lib.layers.LSTMCell(3, dropout=0.1), zero_output_for_mask=True),
    "stacked": lambda lib: lib.layers.RNN([lib.layers.SimpleRNNCell(2), lib.layers.GRUCell(3)]),
    "lstm_cell": lambda lib: lib.layers.LSTMCell(3, recurrent_activation="hard_sigmoid"),
    "gru_cell": lambda lib: lib.layers.GRUCell(3, reset_after=False, seed=4),
    "simple_rnn_cell": lambda lib: lib.layers.SimpleRNNCell(3, use_bias=False),
}


@pytest.mark.keras
@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_config_equals_keras_and_round_trips(keras, case):
    ours, theirs = CONFIG_CASES[case](strata), CONFIG_CASES[case](keras)
    config = ours.get_config()
    assert strip_name(config) == strip_name(theirs.get_config())
    clone = type(ours).from_config(config)
    assert strip_name(clone.get_config()) == strip_name(config)
    # Keras reads strata's config.
    keras_clone = type(theirs).from_config(copy.deepcopy(config))
    assert strip_name(keras_clone.get_config()) == strip_name(config)


def test_properties_and_use_cudnn():
    layer = layers.LSTM(5, dropout=0.25, use_cudnn=False, activation="relu")
    assert isinstance(layer.cell, layers.LSTMCell) and layer.cell.name == "lstm_cell"
    assert (layer.units, layer.dropout, layer.use_cudnn, layer.unit_forget_bias) == (5, 0.25, False, True)
    assert layer.activation is strata.activations.relu
    assert layers.GRU(2).reset_after is True
    with pytest.raises(AttributeError):
        layer.not_an_attribute  # noqa: B018
    assert "use_cudnn" not in layer.get_config()


@pytest.mark.keras
def test_summary_param_counts(keras):
    assert strata.Sequential([strata.Input((1, 6)), layers.SimpleRNN(16), layers.Dense(24)]).count_params() == 776
    assert strata.Sequential([strata.Input((1, 6)), layers.LSTM(16), layers.Dense(24)]).count_params() == 1880
    lstm = strata.Sequential([strata.Input((4, 3)), layers.LSTM(5)])
    assert lstm.count_params() == 180
    bidirectional = strata.Sequential([strata.Input((4, 5)), layers.Bidirectional(layers.GRU(2))])
    assert bidirectional.count_params() == 108
    for model in (lstm, bidirectional):
        assert model.count_params() == keras.Sequential(
            [keras.Input((4, model.layers[0].weights[0].shape[0]))] +
            [keras.layers.deserialize({"class_name": type(model.layers[0]).__name__,
                                       "config": model.layers[0].get_config(), "module": "keras.layers"})]
        ).count_params()


def _traffic_model(lib):
    return lib.Sequential([lib.Input((4, 3)), lib.layers.LSTM(8), lib.layers.Dense(1)])


def test_fit_loss_falls():
    x = RS.standard_normal((64, 4, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None] / 4
    model = _traffic_model(strata)
    model.compile(optimizer=strata.optimizers.Adam(learning_rate=0.02), loss="mse")
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    dropout = strata.Sequential([strata.Input((4, 3)), layers.LSTM(8, dropout=0.2, recurrent_dropout=0.2),
                                 layers.Dense(1)])
    dropout.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(dropout.fit(x, y, epochs=1, verbose=0).history["loss"][0])


@pytest.mark.keras
def test_fit_loss_curve_matches_keras(keras):
    x = RS.standard_normal((32, 4, 3)).astype("float32")
    y = np.tanh(x[:, -1, :1]).astype("float32")
    ours, theirs = _traffic_model(strata), _traffic_model(keras)
    theirs.set_weights(ours.get_weights())
    curves = []
    for model, lib in ((ours, strata), (theirs, keras)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1), loss="mse")
        curves.append(model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(curves[0], curves[1], atol=1e-4)
    assert curves[0][-1] < curves[0][0]


@pytest.mark.keras
def test_masks_from_embedding_and_masking_reach_the_recurrent_layers(keras):
    ids = np.array([[3, 1, 0, 0], [2, 0, 4, 0], [0, 0, 0, 0]], "int32")
    values = RS.standard_normal((3, 4, 2)).astype("float32")
    values[0, 2:] = 0.0

    def make_ids(lib):
        return lib.Sequential([lib.Input((4,), dtype="int32"), lib.layers.Embedding(6, 3, mask_zero=True),
                               lib.layers.Bidirectional(lib.layers.LSTM(2, return_sequences=True)),
                               lib.layers.GRU(2)])

    def make_values(lib):
        return lib.Sequential([lib.Input((4, 2)), lib.layers.Masking(), lib.layers.SimpleRNN(3, return_sequences=True),
                               lib.layers.TimeDistributed(lib.layers.Dense(1))])

    for make, x in ((make_ids, ids), (make_values, values)):
        ours, theirs = make(strata), make(keras)
        theirs.set_weights(ours.get_weights())
        np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=1e-5)
        np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-5)


@pytest.mark.keras
def test_encoder_decoder_with_symbolic_initial_state_matches_keras(keras):
    def make(lib):
        encoder_inputs = lib.Input((None, 3))
        _, h, c = lib.layers.LSTM(4, return_state=True)(encoder_inputs)
        decoder_inputs = lib.Input((None, 2))
        decoded = lib.layers.LSTM(4, return_sequences=True)(decoder_inputs, initial_state=[h, c])
        return lib.Model([encoder_inputs, decoder_inputs], lib.layers.Dense(1)(decoded))

    x = [RS.standard_normal((2, 5, 3)).astype("float32"), RS.standard_normal((2, 4, 2)).astype("float32")]
    ours, theirs = make(strata), make(keras)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=1e-5)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-5)


def test_summary_rows(capsys):
    model = strata.Sequential([strata.Input((4, 5)), layers.Bidirectional(layers.GRU(2, return_sequences=True)),
                               layers.LSTM(5), layers.Dense(1)])
    model.summary()
    text = capsys.readouterr().out
    for row in ("bidirectional (Bidirectional)", "(None, 4, 4)", "108", "lstm (LSTM)", "(None, 5)", "200",
                "Total params: 314"):
        assert row in text
