"""Sequential: construction, add/pop, lazy and explicit builds, layer access, configs."""

import numpy as np
import pytest

from strata.layers import Dense, Dropout, Flatten, Input, InputLayer
from strata.models import Sequential


def test_list_and_add_give_the_same_model():
    a = Sequential([Input((4,)), Dense(3), Dense(1)])
    b = Sequential()
    b.add(Input((4,)))
    b.add(Dense(3))
    b.add(Dense(1))
    assert a.built and b.built
    assert [type(l).__name__ for l in a.layers] == [type(l).__name__ for l in b.layers] == ["Dense", "Dense"]
    assert a.count_params() == b.count_params() == 19


def test_input_dim_on_first_layer_builds_immediately():
    model = Sequential()
    model.add(Dense(50, input_dim=4, activation="relu"))
    assert model.built and model.input_shape == (None, 4)
    model.add(Dense(25, activation="relu"))
    model.add(Dense(3, activation="softmax"))
    assert model.count_params() == 4 * 50 + 50 + 50 * 25 + 25 + 25 * 3 + 3
    assert [v.path for v in model.layers[0].weights] == ["sequential/dense/kernel", "sequential/dense/bias"]


@pytest.mark.parametrize("build,expected", [
    (lambda: Sequential([Input((19,)), Dense(50, activation="relu"), Dropout(0.4), Dense(1)]), 1051),
    (lambda: Sequential([Input((784,)), Dense(128, activation="relu"), Dropout(0.3), Dense(64, activation="tanh"),
                         Dropout(0.2), Dense(10, activation="softmax")]), 109386),
    (lambda: Sequential([Input((784,)), Dense(10, activation="softmax")]), 7850),
    (lambda: Sequential([Input((28, 28)), Flatten(), Dense(300, activation="relu"), Dense(100, activation="relu"),
                         Dense(10, activation="softmax")]), 266610),
    (lambda: Sequential([Input((784,)), Dense(64, activation="relu"), Dense(10, activation="softmax")]), 50890),
])
def test_course_parameter_counts(build, expected):
    assert build().count_params() == expected


def test_lazy_build_from_first_call_uses_the_concrete_batch_shape():
    model = Sequential([Dense(8), Dense(2)])
    assert not model.built
    out = model(np.zeros((2, 5), "float32"))
    assert out.shape == (2, 2)
    assert model.built and model.input_layer.batch_shape == (2, 5)


def test_explicit_build_and_missing_shape():
    model = Sequential([Dense(3)])
    model.build((None, 4))
    assert model.layers[0].kernel.shape == (4, 3)
    with pytest.raises(ValueError, match=r"provide an `input_shape` argument to build Sequential"):
        Sequential([Dense(3)]).build()


def test_fit_builds_an_unbuilt_model_from_the_first_batch():
    model = Sequential([Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((10, 3), "float32"), np.zeros(10), batch_size=4, verbose=0)
    assert model.built and model.input_layer.batch_shape == (4, 3)


def test_pop_and_get_layer():
    model = Sequential([Input((4,)), Dense(3, name="hidden"), Dense(1, name="out")])
    assert model.get_layer("hidden") is model.layers[0]
    assert model.get_layer(index=1).name == "out"
    with pytest.raises(ValueError, match=r"No such layer: nope. Existing layers are: \['hidden', 'out'\]"):
        model.get_layer("nope")
    popped = model.pop()
    assert popped.name == "out" and [l.name for l in model.layers] == ["hidden"]
    assert model.count_params() == 15


def test_add_errors():
    model = Sequential([Dense(2, name="a", input_dim=2)])
    with pytest.raises(ValueError, match=r"unique names. Name 'a' is already the name"):
        model.add(Dense(2, name="a"))
    with pytest.raises(TypeError, match=r"Only instances of `strata.layers.Layer`.*Received: 3"):
        model.add(3)
    with pytest.raises(TypeError, match="no layers in the model to pop"):
        Sequential().pop()


def test_sequential_hides_input_layer_but_config_lists_it():
    model = Sequential([Input((4,)), Dense(2)])
    assert not any(isinstance(l, InputLayer) for l in model.layers)
    config = model.get_config()
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense"]
    assert config["build_input_shape"] == (None, 4)
    clone = Sequential.from_config(config)
    assert clone.count_params() == model.count_params()


@pytest.mark.keras
def test_config_matches_keras(keras):
    ours = Sequential([Input((4,)), Dense(2, activation="relu")]).get_config()
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="relu")]).get_config()
    import json

    ours = json.loads(json.dumps(ours))
    theirs = json.loads(json.dumps(theirs))
    for config in (ours, theirs):
        config.pop("name")
        for layer in config["layers"]:
            layer["config"].pop("name")
    assert ours == theirs


def test_model_call_returns_a_jax_array_and_predict_numpy():
    import jax

    model = Sequential([Input((3,)), Dense(2)])
    x = np.ones((5, 3), "float32")
    assert isinstance(model(x), jax.Array)
    pred = model.predict(x, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (5, 2)
    np.testing.assert_allclose(pred, np.asarray(model(x)), atol=1e-6)


def test_input_shape_on_first_layer_builds_immediately_without_a_warning(recwarn):
    model = Sequential([Dense(3, input_shape=(4,), activation="relu"), Dense(1)])
    assert model.built and model.input_shape == (None, 4) and model.count_params() == 19
    model = Sequential()
    model.add(Flatten(input_shape=(28, 28)))
    model.add(Dense(10))
    assert model.count_params() == 7850 and model.predict(np.zeros((2, 28, 28)), verbose=0).shape == (2, 10)
    assert not recwarn.list
