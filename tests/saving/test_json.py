"""`to_json()` / `model_from_json()` in Keras 3's schema (§7.4), both ways with real Keras."""

from __future__ import annotations

import json

import numpy as np
import pytest

import strata
from saving_cases import BUILDERS, key_paths


def test_to_json_schema_and_round_trip():
    model = BUILDERS["functional"][0](strata)
    text = model.to_json()
    record = json.loads(text)
    assert text.startswith('{"module": "keras.src.models.functional", "class_name": "Functional", '
                           '"config": {"name": "functional", "trainable": true, "layers": [')
    assert record["build_config"] == {"input_shape": None} and record["compile_config"] == {}
    rebuilt = strata.models.model_from_json(text)
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    assert not rebuilt.compiled
    assert json.loads(rebuilt.to_json()) == record
    assert json.loads(model.to_json(indent=2)) == record


def test_model_from_json_compiles_when_the_json_has_a_compile_config():
    model = BUILDERS["sequential"][0](strata)
    model.compile(optimizer=strata.optimizers.SGD(0.5), loss="mae", metrics=["mse"])
    rebuilt = strata.models.model_from_json(model.to_json())
    assert rebuilt.compiled and rebuilt.optimizer.get_config()["learning_rate"] == pytest.approx(0.5)
    assert rebuilt.count_params() == model.count_params()


def test_model_from_json_errors_are_clear():
    with pytest.raises(ValueError, match="`json_string` is not valid JSON"):
        strata.models.model_from_json("{not json")
    with pytest.raises(ValueError, match="Unknown layer class 'Mystery'"):
        strata.models.model_from_json(json.dumps({"module": None, "class_name": "Mystery", "config": {},
                                                  "registered_name": "Mystery"}))
    layer_record = strata.saving.serialize_keras_object(strata.layers.Dense(2))
    with pytest.raises(ValueError, match="is a layer, not a model"):
        strata.models.model_from_json(json.dumps(layer_record))


@pytest.mark.keras
@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_json_interchanges_with_keras(keras, kind):
    build, _ = BUILDERS[kind]
    ours = build(strata)
    theirs = keras.models.model_from_json(ours.to_json())
    assert [layer.name for layer in theirs.layers] == [layer.name for layer in ours.layers]
    back = strata.models.model_from_json(build(keras).to_json())
    assert key_paths(json.loads(back.to_json())) == key_paths(json.loads(ours.to_json()))
    assert back.count_params() == ours.count_params()


def test_serialize_and_deserialize_keras_object_round_trip():
    s = strata.saving
    for obj in (strata.optimizers.Adam(0.01), strata.losses.MeanSquaredError(), strata.initializers.Zeros()):
        again = s.deserialize_keras_object(s.serialize_keras_object(obj))
        assert type(again) is type(obj) and again.get_config() == obj.get_config()
    assert s.deserialize_keras_object(s.serialize_keras_object((1, 2))) == [1, 2]
    array = s.deserialize_keras_object(s.serialize_keras_object(np.arange(3, dtype="float32")))
    np.testing.assert_array_equal(array, np.arange(3, dtype="float32"))
    fn = s.deserialize_keras_object(s.serialize_keras_object(strata.activations.get("relu")))
    assert fn is strata.activations.get("relu")
    dense = s.deserialize_keras_object(s.serialize_keras_object(strata.layers.Dense(3)))
    assert isinstance(dense, strata.layers.Dense) and dense.units == 3
