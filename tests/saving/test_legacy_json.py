"""tf.keras 2.x model JSON (``to_json()``) read into Keras 3's schema and rebuilt."""

import copy
import json

import h5py
import numpy as np
import pytest
from legacy_helpers import FIXTURES, expected

from strata.layers import Dense, Input
from strata.models import Sequential
from strata.saving.legacy_config import is_legacy_model_config, read_legacy_model_config
from strata.saving.legacy_h5 import load_weights_legacy_h5, model_from_legacy_config

# A tf.keras 2.4-era functional config: class "Model", no module keys, list-of-lists inbound nodes
# (with call kwargs), bare initializer/regularizer dicts and dtype strings.
OLD_FUNCTIONAL = {
    "class_name": "Model",
    "config": {
        "name": "old",
        "layers": [
            {"class_name": "InputLayer", "name": "x",
             "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False,
                        "ragged": False, "name": "x"},
             "inbound_nodes": []},
            {"class_name": "Dense", "name": "d",
             "config": {"name": "d", "trainable": True, "dtype": "float32", "units": 2,
                        "activation": "relu", "use_bias": True,
                        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                        "bias_initializer": {"class_name": "Zeros", "config": {}},
                        "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}},
                        "bias_regularizer": None, "activity_regularizer": None,
                        "kernel_constraint": None, "bias_constraint": None},
             "inbound_nodes": [[["x", 0, 0, {}]]]},
            {"class_name": "Dropout", "name": "drop",
             "config": {"name": "drop", "trainable": True, "dtype": "float32", "rate": 0.5,
                        "noise_shape": None, "seed": None},
             "inbound_nodes": [[["d", 0, 0, {"training": False}]]]},
        ],
        "input_layers": [["x", 0, 0]],
        "output_layers": [["drop", 0, 0]],
    },
    "keras_version": "2.4.0",
    "backend": "tensorflow",
}


def _fixture_json(name):
    return (FIXTURES / name).read_text()


def test_tf_keras_sequential_json_rebuilds_and_takes_the_h5_weights():
    data = expected()
    model = model_from_legacy_config(_fixture_json("mlp_sequential.json"))
    assert model.name == "mlp" and not model.compiled
    assert [layer.name for layer in model.layers] == ["hidden", "dropout", "probs"]
    assert model.input_layer.name == "hidden_input" and model.input_shape == (None, 4)
    assert model.get_layer("dropout").rate == 0.25
    with h5py.File(FIXTURES / "mlp_sequential.h5") as f:
        group = f["model_weights"]
        weights = [group[f"{layer}/{layer}/{w}:0"][()] for layer in ("hidden", "probs") for w in ("kernel", "bias")]
    model.set_weights(weights)
    np.testing.assert_allclose(model.predict(data["mlp_x"], verbose=0), data["mlp_y"], atol=1e-6)


def test_tf_keras_functional_json_rebuilds_and_takes_the_h5_weights():
    data = expected()
    model = model_from_legacy_config(_fixture_json("two_io_functional.json"))
    assert model.name == "two_io"
    assert model.input_names == ["a", "b"] and model.output_names == ["value", "label"]
    assert model.get_layer("left").activation.__name__ == "tanh"
    load_weights_legacy_h5(model, FIXTURES / "two_io_functional.h5")
    value, label = model.predict([data["fun_a"], data["fun_b"]], verbose=0)
    np.testing.assert_allclose(value, data["fun_value"], atol=1e-6)
    np.testing.assert_allclose(label, data["fun_label"], atol=1e-6)


def test_converted_schema_is_keras_3():
    config = json.loads(_fixture_json("two_io_functional.json"))
    assert is_legacy_model_config(config)
    converted = read_legacy_model_config(config)
    assert converted["module"] == "keras.src.models.functional"
    assert converted["registered_name"] == "Functional" and converted["class_name"] == "Functional"
    assert "keras_version" not in converted and "backend" not in converted
    assert not is_legacy_model_config(converted)
    layers = {layer["name"]: layer for layer in converted["config"]["layers"]}
    assert layers["a"]["config"] == {"batch_shape": [None, 3], "dtype": "float32", "sparse": False,
                                     "ragged": False, "name": "a", "optional": False}
    merge = layers["merge"]
    assert merge["module"] == "keras.layers" and merge["registered_name"] is None and "build_config" not in merge
    assert merge["config"]["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                                        "config": {"name": "float32"}, "registered_name": None}
    (node,) = merge["inbound_nodes"]
    assert node["kwargs"] == {}
    assert [t["config"]["keras_history"] for t in node["args"][0]] == [["left", 0, 0], ["right", 0, 0]]
    assert all(t["class_name"] == "__keras_tensor__" for t in node["args"][0])
    (single,) = layers["left"]["inbound_nodes"]
    assert single["args"][0]["config"]["keras_history"] == ["a", 0, 0]


def test_old_functional_config_with_model_class_and_bare_objects():
    original = copy.deepcopy(OLD_FUNCTIONAL)
    converted = read_legacy_model_config(OLD_FUNCTIONAL)
    assert OLD_FUNCTIONAL == original  # the input is not modified
    dense = converted["config"]["layers"][1]["config"]
    assert dense["kernel_initializer"]["module"] == "keras.initializers"
    assert dense["kernel_regularizer"] == {"class_name": "L2", "config": {"l2": 0.01},
                                           "module": "keras.regularizers", "registered_name": None}
    assert converted["config"]["layers"][2]["inbound_nodes"][0]["kwargs"] == {"training": False}
    model = model_from_legacy_config(json.dumps(OLD_FUNCTIONAL))
    assert type(model).__name__ == "Functional"
    assert [layer.name for layer in model.layers] == ["x", "d", "drop"]
    assert model.get_layer("d").kernel.shape == (3, 2)
    assert len(model.losses) == 1  # the L2 kernel regularizer came through


def test_sequential_with_batch_input_shape_on_first_layer_gets_an_input_layer():
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"name": "first", "units": 3, "dtype": "float32",
                                           "batch_input_shape": [None, 5]}},
        {"class_name": "Dense", "config": {"name": "second", "units": 1}}]}}
    converted = read_legacy_model_config(json.dumps(config).encode())
    layers = converted["config"]["layers"]
    assert [entry["class_name"] for entry in layers] == ["InputLayer", "Dense", "Dense"]
    assert layers[0]["config"]["batch_shape"] == [None, 5] and layers[0]["config"]["name"] == "first_input"
    assert "batch_input_shape" not in layers[1]["config"]
    model = model_from_legacy_config(config)
    assert model.input_shape == (None, 5) and model.count_params() == 5 * 3 + 3 + 3 + 1


def test_keras_3_configs_are_not_legacy_and_pass_through():
    model = Sequential([Input((2,)), Dense(1)])
    entry = {"module": "keras", "class_name": "Sequential", "config": model.get_config(), "registered_name": None}
    assert not is_legacy_model_config(json.loads(json.dumps(entry)))
    assert is_legacy_model_config({"class_name": "Sequential", "config": {}})
    assert not is_legacy_model_config([1, 2])


@pytest.mark.parametrize("bad,match", [
    ("{not json", r"The model config is not valid JSON"),
    ('{"config": {}}', r"must be a dict with 'class_name' and 'config' keys"),
    ([1], r"must be a dict with 'class_name' and 'config' keys"),
])
def test_invalid_configs(bad, match):
    with pytest.raises(ValueError, match=match):
        read_legacy_model_config(bad)


def test_bytecode_lambdas_need_unsafe_mode_and_unknown_classes_are_refused():
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAAAA", None, None],
                                            "function_type": "lambda", "module": "__main__"}}]}}
    converted = read_legacy_model_config(config)["config"]["layers"][0]["config"]
    assert converted == {"name": "l", "function": {"class_name": "__lambda__", "config": {
        "code": "4wEAAAAA", "defaults": None, "closure": None}}}
    with pytest.raises(ValueError, match=r"lambda.*safe_mode=False"):
        model_from_legacy_config(config)
    with pytest.raises(ValueError, match=r"Unknown layer class 'MyNet'.*custom_objects"):
        model_from_legacy_config({"class_name": "MyNet", "config": {}})


@pytest.mark.keras
@pytest.mark.parametrize("stem", ["mlp_sequential", "two_io_functional"])
def test_rebuilt_config_equals_keras_reading_the_same_tf_keras_model(keras, stem):
    """Keras 3 cannot read tf.keras 2.15 JSON, but it reads the .h5: both must give one architecture."""
    ours = model_from_legacy_config(_fixture_json(f"{stem}.json"))
    theirs = keras.models.load_model(FIXTURES / f"{stem}.h5", compile=False)
    roundtrip = lambda config: json.loads(json.dumps(config))  # noqa: E731  (tuples -> lists)
    assert roundtrip(ours.get_config()) == roundtrip(theirs.get_config())


def test_keras_2_2_sequential_config_as_a_bare_layer_list():
    config = {"class_name": "Sequential", "config": [
        {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [None, 3]}}]}
    model = model_from_legacy_config(config)
    assert model.input_shape == (None, 3) and [layer.name for layer in model.layers] == ["d"]


@pytest.mark.parametrize("stem, layers", [("mlp_sequential", ["hidden", "dropout", "probs"]),
                                          ("two_io_functional", None)])
def test_model_from_json_reads_tf_keras_json_directly(stem, layers):
    from strata.models import model_from_json

    text = _fixture_json(f"{stem}.json")
    model = model_from_json(text)
    reference = model_from_legacy_config(text)
    assert type(model) is type(reference)
    assert [layer.name for layer in model.layers] == [layer.name for layer in reference.layers]
    if layers is not None:
        assert [layer.name for layer in model.layers] == layers
    assert model.to_json() == reference.to_json()
