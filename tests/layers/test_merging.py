"""Elementwise merge layers and Concatenate: harness, Keras parity, shape errors, a trained model."""

import numpy as np
import pytest
from merge_harness import run_merge_test

from strata import layers
from strata.models import Model

ELEMENTWISE = [layers.Add, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum]


@pytest.mark.keras
@pytest.mark.parametrize("layer_cls", ELEMENTWISE)
def test_elementwise_merge_of_three_inputs(keras, layer_cls):
    run_merge_test(layer_cls, {}, [(5, 3)] * 3, keras=keras, expected_output_shape=(5, 3))


@pytest.mark.keras
def test_subtract(keras):
    run_merge_test(layers.Subtract, {}, [(5, 3), (5, 3)], keras=keras, expected_output_shape=(5, 3))


@pytest.mark.keras
@pytest.mark.parametrize("layer_cls", ELEMENTWISE + [layers.Subtract])
@pytest.mark.parametrize("shapes, expected", [
    ([(4, 3), (4, 1)], (4, 3)),        # size-1 dimensions broadcast
    ([(4, 2, 3), (4, 3)], (4, 2, 3)),  # a lower-rank input gets axes after the batch axis
])
def test_elementwise_broadcasting_matches_keras(keras, layer_cls, shapes, expected):
    run_merge_test(layer_cls, {}, shapes, keras=keras, expected_output_shape=expected, train=False)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs, shapes, expected", [
    ({}, [(4, 3), (4, 2)], (4, 5)),
    ({"axis": 1}, [(4, 2, 3), (4, 5, 3)], (4, 7, 3)),
    ({"axis": -2}, [(4, 2, 3), (4, 1, 3), (4, 4, 3)], (4, 7, 3)),
])
def test_concatenate(keras, kwargs, shapes, expected):
    run_merge_test(layers.Concatenate, kwargs, shapes, keras=keras, expected_output_shape=expected)


@pytest.mark.parametrize("function, layer_cls, n", [
    (layers.add, layers.Add, 3), (layers.subtract, layers.Subtract, 2), (layers.multiply, layers.Multiply, 3),
    (layers.average, layers.Average, 3), (layers.maximum, layers.Maximum, 3), (layers.minimum, layers.Minimum, 3),
    (layers.concatenate, layers.Concatenate, 3),
])
def test_functional_forms_create_and_call_the_layer(function, layer_cls, n):
    xs = [np.random.RandomState(i).standard_normal((2, 3)).astype("float32") for i in range(n)]
    np.testing.assert_allclose(np.asarray(function(xs)), np.asarray(layer_cls()(xs)), atol=1e-7)
    inputs = [layers.Input(shape=(3,)) for _ in range(n)]
    out = function(inputs, name="merged")
    layer = out._keras_history[0]
    assert isinstance(layer, layer_cls) and layer.name == "merged"


def test_functional_concatenate_passes_axis():
    a, b = layers.Input(shape=(2, 3)), layers.Input(shape=(4, 3))
    out = layers.concatenate([a, b], axis=1)
    assert out.shape == (None, 6, 3) and out._keras_history[0].axis == 1


def test_merge_shape_mismatch_names_both_layers_and_shapes():
    x = layers.Input(shape=(5,))
    a, b = layers.Dense(3)(x), layers.Dense(4)(x)
    with pytest.raises(ValueError, match=(
            r"^Inputs to Add layer 'add' must have the same shape, but received shapes \(None, 3\) "
            r"from layer 'dense' and \(None, 4\) from layer 'dense_1'\.")):
        layers.Add()([a, b])


def test_merge_mismatch_reports_the_conflicting_pair():
    x = layers.Input(shape=(5,))
    a, b, c = layers.Dense(1, name="one")(x), layers.Dense(3, name="three")(x), layers.Dense(4, name="four")(x)
    with pytest.raises(ValueError, match=r"\(None, 3\) from layer 'three' and \(None, 4\) from layer 'four'"):
        layers.maximum([a, b, c])


def test_merge_mismatch_on_arrays_names_positions():
    with pytest.raises(ValueError, match=r"Multiply layer 'multiply' must have the same shape, but received "
                                         r"shapes \(2, 3\) at position 0 and \(2, 4\) at position 1"):
        layers.Multiply()([np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(ValueError, match=r"received shapes \(2, 3\) at position 0 and \(5, 3\) at position 1"):
        layers.Add()([np.zeros((2, 3)), np.zeros((5, 3))])


def test_concatenate_mismatch_message():
    a, b = layers.Input(shape=(2, 3), name="left"), layers.Input(shape=(4, 5), name="right")
    with pytest.raises(ValueError, match=(
            r"Inputs to Concatenate layer 'concatenate' must have matching shapes except along the "
            r"concatenation axis \(axis=-1\), but received shapes \(None, 2, 3\) from layer 'left' and "
            r"\(None, 4, 5\) from layer 'right'")):
        layers.Concatenate()([a, b])
    with pytest.raises(ValueError, match=r"cannot join inputs of rank 2 along axis=2"):
        layers.Concatenate(axis=2)([np.zeros((2, 3)), np.zeros((2, 3))])


def test_merge_layers_need_a_list_of_enough_inputs():
    x = np.zeros((2, 3), "float32")
    with pytest.raises(ValueError, match=r"A `Add` layer should be called on a list of inputs, e.g. "
                                         r"`Add\(\)\(\[x1, x2\]\)`"):
        layers.Add()(x)
    with pytest.raises(ValueError, match=r"takes its inputs as ONE list argument: write `Add\(\)\(\[x1, x2\]\)`"):
        layers.Add()(x, x)
    with pytest.raises(ValueError, match=r"`Subtract` layer should be called on a list of exactly 2 input\(s\). "
                                         r"Received 3"):
        layers.Subtract()([x, x, x])
    with pytest.raises(ValueError, match=r"at least 1 input"):
        layers.Average()([])


def test_build_receives_a_list_of_shapes():
    layer = layers.Add()
    layer([np.zeros((2, 3), "float32"), np.zeros((2, 3), "float32")])
    assert layer.get_build_config() == {"input_shape": [(2, 3), (2, 3)]}
    with pytest.raises(ValueError, match=r"should be built with a list of shapes. Received: input_shape=\(2, 3\)"):
        layers.Add().build((2, 3))


@pytest.mark.keras
def test_two_input_concatenate_model_trains_and_matches_keras(keras):
    rs = np.random.RandomState(1)
    xa, xb = rs.standard_normal((32, 3)).astype("float32"), rs.standard_normal((32, 2)).astype("float32")
    y = (xa.sum(1, keepdims=True) - xb[:, :1]).astype("float32")
    a, b = layers.Input(shape=(3,), name="a"), layers.Input(shape=(2,), name="b")
    merged = layers.concatenate([a, b])
    model = Model([a, b], layers.Dense(1)(layers.Dense(4, activation="relu")(merged)))
    assert merged.shape == (None, 5)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit([xa, xb], y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]

    ka, kb = keras.Input(shape=(3,)), keras.Input(shape=(2,))
    kmerged = keras.layers.concatenate([ka, kb])
    kmodel = keras.Model([ka, kb], keras.layers.Dense(1)(keras.layers.Dense(4, activation="relu")(kmerged)))
    kmodel.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), kmodel.predict([xa, xb], verbose=0),
                               atol=1e-6, rtol=1e-6)
    assert [layer.name for layer in model.layers] == ["a", "b", "concatenate", "dense_1", "dense"]
