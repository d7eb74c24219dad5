"""Functional models: graphs, multiple inputs/outputs, shared layers, nesting, configs, errors."""

import json

import numpy as np
import pytest

import strata
from strata import layers
from strata.models import Model, Sequential, clone_model


def _two_branch(lib):
    a = lib.Input((5,), name="wide")
    b = lib.Input((6,), name="deep")
    hidden = lib.layers.Dense(4, activation="relu", name="hidden")(b)
    out = lib.layers.Dense(1, name="output")(hidden)
    aux = lib.layers.Dense(1, name="aux_output")(hidden)
    side = lib.layers.Dense(1, name="side")(a)
    return lib.Model(inputs=[a, b], outputs=[out, aux, side])


def _data(n=40):
    rs = np.random.RandomState(0)
    return (rs.rand(n, 5).astype("float32"), rs.rand(n, 6).astype("float32")), rs.rand(n, 1).astype("float32")


def test_layers_are_ordered_as_keras_orders_them():
    model = _two_branch(strata)
    assert [l.name for l in model.layers] == ["deep", "hidden", "wide", "output", "aux_output", "side"]
    assert model.output_names == ["output", "aux_output", "side"]
    assert model.input_names == ["wide", "deep"]


@pytest.mark.keras
def test_forward_weights_order_and_config_match_keras(keras):
    km, sm = _two_branch(keras), _two_branch(strata)
    assert [l.name for l in sm.layers] == [l.name for l in km.layers]
    sm.set_weights(km.get_weights())
    (xw, xd), _ = _data()
    for ours, theirs in zip(sm.predict((xw, xd), verbose=0), km.predict((xw, xd), verbose=0)):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    ours = json.loads(json.dumps(sm.get_config()))
    theirs = json.loads(json.dumps(km.get_config()))
    assert ours == theirs


@pytest.mark.keras
def test_multi_output_fit_history_and_evaluate_match_keras(keras):
    (xw, xd), y = _data()
    histories, evaluations = [], []
    km = _two_branch(keras)
    initial = km.get_weights()
    for model in (km, _two_branch(strata)):
        model.set_weights(initial)
        model.compile(optimizer="sgd", loss={"output": "mse", "aux_output": "mae", "side": "mse"},
                      loss_weights={"output": 0.9, "aux_output": 0.1, "side": 0.5},
                      metrics={"output": ["mae"], "aux_output": ["RootMeanSquaredError"]})
        histories.append(model.fit((xw, xd), (y, y, y), batch_size=16, epochs=2, shuffle=False, verbose=0,
                                   validation_split=0.25).history)
        evaluations.append(model.evaluate((xw, xd), (y, y, y), verbose=0))
    theirs, ours = histories
    assert list(ours) == list(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(evaluations[1], evaluations[0], rtol=1e-5)


def test_flat_metrics_list_applies_to_every_output_as_in_tf_keras_2():
    (xw, xd), y = _data()
    model = _two_branch(strata)
    model.compile(loss=("mse", "mse", "mse"), loss_weights=(0.8, 0.1, 0.1), optimizer="adam",
                  metrics=["RootMeanSquaredError"])
    history = model.fit((xw, xd), (y, y, y), epochs=1, verbose=0)
    assert sorted(history.history) == sorted([
        "loss", "output_loss", "aux_output_loss", "side_loss", "output_RootMeanSquaredError",
        "aux_output_RootMeanSquaredError", "side_RootMeanSquaredError"])
    values = model.evaluate((xw, xd), (y, y, y), verbose=0)
    assert len(values) == 7
    by_name = model.evaluate((xw, xd), (y, y, y), verbose=0, return_dict=True)
    assert values[:4] == [by_name["loss"], by_name["output_loss"], by_name["aux_output_loss"], by_name["side_loss"]]


def test_dict_inputs_and_outputs():
    a = strata.Input((2,), name="a")
    b = strata.Input((3,), name="b")
    hidden = layers.Dense(2)(b)
    model = Model(inputs={"a": a, "b": b}, outputs={"main": layers.Dense(1, name="main")(hidden)})
    x = {"a": np.zeros((4, 2), "float32"), "b": np.ones((4, 3), "float32")}
    out = model.predict(x, verbose=0)
    assert set(out) == {"main"} and out["main"].shape == (4, 1)


def test_shared_layer_has_two_nodes_and_one_set_of_weights():
    shared = layers.Dense(3, name="shared")
    a, b = strata.Input((4,)), strata.Input((4,))
    model = Model([a, b], [shared(a), shared(b)])
    assert len(shared._inbound_nodes) == 2
    assert model.count_params() == 15
    x = np.ones((2, 4), "float32")
    first, second = model.predict([x, x], verbose=0)
    np.testing.assert_array_equal(first, second)
    clone = strata.models.Functional.from_config(model.get_config())
    assert clone.count_params() == 15


def test_nested_models_as_layers():
    inner = Sequential([strata.Input((4,)), layers.Dense(3, activation="relu")], name="inner")
    x = strata.Input((4,))
    model = Model(x, layers.Dense(1)(inner(x)))
    assert [l.name for l in model.layers][1] == "inner"
    assert model.count_params() == 15 + 4
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 4), "float32"), np.ones(8), verbose=0)


def test_clone_model_has_the_same_config_and_fresh_weights():
    model = _two_branch(strata)
    clone = clone_model(model)
    assert clone.count_params() == model.count_params()
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])
    seq = Sequential([strata.Input((3,)), layers.Dense(2)])
    seq_clone = clone_model(seq)
    assert isinstance(seq_clone, Sequential) and seq_clone.count_params() == 8


def test_graph_errors_are_explained():
    a, b = strata.Input((2,), name="a"), strata.Input((2,), name="b")
    with pytest.raises(ValueError, match=r"Graph disconnected.*Received inputs: \['a'\]"):
        Model(a, layers.Dense(1)(b))
    model = Model([a, b], [layers.Dense(1)(a), layers.Dense(1)(b)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"expects 2 input\(s\) \['a', 'b'\], but it received 1 input array"):
        model.predict(np.zeros((2, 2), "float32"), verbose=0)
    model = Model(a, layers.Dense(1, name="out")(a))
    model.compile(optimizer="sgd", loss={"outt": "mse"})
    with pytest.raises(ValueError, match=r"key 'outt' does not correspond to any model output.*\['out'\]"):
        model.fit(np.zeros((2, 2), "float32"), np.zeros(2), verbose=0)


@pytest.mark.keras
def test_subclassed_model_forward_matches_keras_with_copied_weights(keras):
    def define(lib):
        class TwoLayer(lib.Model):
            def __init__(self, units=8, **kwargs):
                super().__init__(**kwargs)
                self.hidden = lib.layers.Dense(units, activation="relu")
                self.out = lib.layers.Dense(1)

            def call(self, inputs, training=None):
                return self.out(self.hidden(inputs))

        return TwoLayer(units=8)

    km, sm = define(keras), define(strata)
    x = np.random.RandomState(0).rand(5, 3).astype("float32")
    km(x)
    sm(x)
    sm.set_weights(km.get_weights())
    np.testing.assert_allclose(np.asarray(sm(x)), np.asarray(km(x)), atol=1e-6)
    assert sm.get_config() == {"name": sm.name, "trainable": True, "units": 8}
    sm.compile(optimizer="adam", loss="mse")
    history = sm.fit(x, np.ones((5, 1), "float32"), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


@pytest.mark.parametrize("inputs, outputs, message", [
    ("a", "ones", r"All `outputs` values must be KerasTensors\. Received: outputs of type numpy\.ndarray: "
                  r"array\(\[1\., 1\., 1\.\]\)\. Outputs must be results of calling layers.*wrap it in a layer"),
    ("a", "dense_and_ones", r"Received: outputs\[1\] of type numpy\.ndarray"),
    ("ones", "dense", r"All `inputs` values must be KerasTensors\. Received: inputs of type numpy\.ndarray.*"
                      r"Create each input with `strata\.Input\(shape=\.\.\.\)`"),
    ({"a": "a", "b": "layer"}, "dense", r"Received: inputs\['b'\] of type strata\.layers\.core\.dense\.Dense: "
                                        r"<Dense name=d.*Pass the tensor returned by `strata\.Input`, not a layer"),
    ("a", "layer", r"Received: outputs of type strata\.layers\.core\.dense\.Dense.*Call the layer on a tensor"),
    ("a", None, r"Received: outputs of type NoneType: None\."),
    ("a", [], r"A functional model needs at least one tensor in `outputs`\. Received: outputs=\[\]"),
    ("bare", "dense", r"inputs = <KerasTensor shape=\(None, 3\).*was created directly\. Use `strata\.Input"),
])
def test_invalid_inputs_and_outputs_name_argument_position_and_fix(inputs, outputs, message):
    from strata.core.keras_tensor import KerasTensor

    a = strata.Input((3,), name="a")
    dense = layers.Dense(2, name="d")
    values = {"a": a, "ones": np.ones(3), "layer": dense, "dense": dense(a), "bare": KerasTensor((None, 3)),
              "dense_and_ones": [dense(a), np.ones(3)], None: None}

    def resolve(spec):
        if isinstance(spec, dict):
            return {k: resolve(v) for k, v in spec.items()}
        return spec if isinstance(spec, list) else values[spec]

    with pytest.raises(ValueError, match=message):
        Model(resolve(inputs), resolve(outputs))


@pytest.mark.keras
def test_tensors_from_real_keras_are_rejected_with_a_hint(keras):
    a = strata.Input((3,))
    with pytest.raises(ValueError, match=r"outputs of type keras\.src\..*KerasTensor.*from the `keras` package"):
        Model(a, keras.layers.Dense(1)(keras.Input((3,))))


def test_tensor_built_from_a_directly_created_tensor_is_explained():
    from strata.core.keras_tensor import KerasTensor

    a = strata.Input((3,))
    stray = layers.Dense(2)(KerasTensor((None, 3)))
    with pytest.raises(ValueError, match=r"was not produced by `strata\.Input` or by a layer call"):
        Model(a, layers.Add()([layers.Dense(2)(a), stray]))


def _tuple_model(lib):
    a, b = lib.Input((3,), name="a"), lib.Input((2,), name="b")
    joined = lib.layers.Concatenate(name="cat")([a, b])
    return lib.Model((a, b), (lib.layers.Dense(1, name="o1")(joined), lib.layers.Dense(2, name="o2")(joined)))


@pytest.mark.keras
def test_tuple_inputs_and_outputs_fit_and_predict_like_keras(keras):
    rs = np.random.RandomState(1)
    x = (rs.rand(16, 3).astype("float32"), rs.rand(16, 2).astype("float32"))
    y = (rs.rand(16, 1).astype("float32"), rs.rand(16, 2).astype("float32"))
    km, sm = _tuple_model(keras), _tuple_model(strata)
    sm.set_weights(km.get_weights())
    results = []
    for model in (km, sm):
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
        results.append((history, model.predict(x, verbose=0)))
    (k_hist, k_pred), (s_hist, s_pred) = results
    assert list(s_hist) == list(k_hist) == ["loss", "o1_loss", "o2_loss"]
    for key in k_hist:
        np.testing.assert_allclose(s_hist[key], k_hist[key], rtol=1e-5, err_msg=key)
    assert isinstance(s_pred, tuple) and isinstance(k_pred, tuple)
    for ours, theirs in zip(s_pred, k_pred):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_inputs_outputs_names_and_get_layer():
    a, b = strata.Input((3,), name="a"), strata.Input((2,), name="b")
    joined = layers.Concatenate(name="cat")([a, b])
    o1, o2 = layers.Dense(1, name="o1")(joined), layers.Dense(2, name="o2")(joined)
    model = Model((a, b), (o1, o2))
    assert model.inputs == [a, b] and model.inputs[0] is a and model.outputs[1] is o2
    assert model.input_names == ["a", "b"] and model.output_names == ["o1", "o2"]
    assert [l.name for l in model.layers] == ["a", "b", "cat", "o1", "o2"]
    assert model.get_layer("cat") is model.layers[2] is model.get_layer(index=2)
    assert model.get_layer(index=-1).name == "o2"
    with pytest.raises(ValueError, match=r"No such layer: cats\. Existing layers are: "
                                         r"\['a', 'b', 'cat', 'o1', 'o2'\]\."):
        model.get_layer("cats")
    with pytest.raises(ValueError, match=r"Was asked to retrieve layer at index 5 but model only has 5 layers"):
        model.get_layer(index=5)
    with pytest.raises(ValueError, match=r"Provide only one of `name` or `index`.*name='cat', index=1"):
        model.get_layer(name="cat", index=1)
    with pytest.raises(ValueError, match="Provide either a layer `name` or an `index`"):
        model.get_layer()
