"""Functional configs: ``Model.from_config`` revival, parity of ``get_config`` with Keras for shared
layers and nested models, Keras's mask-argument recording rule, and ``.keras`` round trips."""

import json

import numpy as np
import pytest

import strata
from strata.models import Functional, Model, Sequential


def _nested(lib, with_sequential=True):
    """A shared layer called twice, then (optionally) a nested Sequential, then a nested functional model."""
    x = lib.Input((4,), name="x")
    shared = lib.layers.Dense(4, name="shared")
    h = shared(shared(x))
    if with_sequential:
        inner_seq = lib.Sequential([lib.Input((4,)), lib.layers.Dense(4, name="seq_dense")], name="inner_seq")
        h = inner_seq(h)
    inner_in = lib.Input((4,), name="inner_in")
    inner_fn = lib.Model(inner_in, lib.layers.Dense(2, name="fn_dense")(inner_in), name="inner_fn")
    return lib.Model(x, [inner_fn(h), lib.layers.Dense(1, name="head")(h)], name="outer")


def _plain(value):
    """The config as JSON would store it, without Keras's ``shared_object_id`` bookkeeping."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


X = np.random.RandomState(0).rand(6, 4).astype("float32")


def _predict(model):
    return [np.asarray(p) for p in model.predict(X, verbose=0)]


def test_model_from_config_revives_a_functional_model():
    model = _nested(strata)
    clone = Model.from_config(model.get_config())
    assert type(clone) is Functional
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    clone.set_weights(model.get_weights())
    for ours, theirs in zip(_predict(clone), _predict(model)):
        np.testing.assert_array_equal(ours, theirs)
    assert json.dumps(clone.get_config()) == json.dumps(model.get_config())


def test_from_config_keeps_tuple_structures_and_functional_subclasses():
    a, b = strata.Input((2,), name="a"), strata.Input((3,), name="b")
    out = strata.layers.Concatenate(name="cat")([a, b])
    model = Model((a, b), (strata.layers.Dense(1, name="o1")(out), strata.layers.Dense(2, name="o2")(out)))
    config = model.get_config()
    assert config["input_layers"] == (["a", 0, 0], ["b", 0, 0])
    clone = Model.from_config(config)
    assert isinstance(clone.predict((np.ones((2, 2)), np.ones((2, 3))), verbose=0), tuple)

    class Tagged(Functional):
        pass

    assert type(Tagged.from_config(config)) is Tagged


def test_from_config_with_a_config_that_is_not_functional_is_explained():
    seq = Sequential([strata.Input((3,)), strata.layers.Dense(2)], name="seq")
    with pytest.raises(ValueError, match=r"Model.from_config can only revive a functional model.*missing "
                                         r"\['input_layers', 'output_layers'\].*Sequential.from_config"):
        Model.from_config(seq.get_config())
    with pytest.raises(ValueError, match=r"Functional.from_config can only revive.*missing \['layers', "
                                         r"'input_layers', 'output_layers'\].*its own class"):
        Functional.from_config({"name": "m", "units": 3})
    assert type(Model.from_config({"name": "bare", "trainable": True})) is Model


@pytest.mark.keras
def test_model_from_config_accepts_what_keras_accepts(keras):
    config = json.dumps(_nested(keras, with_sequential=False).get_config())
    assert type(keras.Model.from_config(json.loads(config))).__name__ == "Functional"
    assert type(Model.from_config(json.loads(config))) is Functional
    seq_config = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).get_config()
    with pytest.raises(ValueError):
        keras.Model.from_config(seq_config)
    with pytest.raises(ValueError, match="Sequential model's config"):
        Model.from_config(json.loads(json.dumps(seq_config)))


@pytest.mark.keras
def test_config_with_shared_layer_and_nested_functional_matches_keras(keras):
    ours = _plain(_nested(strata, with_sequential=False).get_config())
    theirs = _plain(json.loads(json.dumps(_nested(keras, with_sequential=False).get_config())))
    assert ours == theirs
    # Keras counts a nested functional model's calls from 1 in output_layers (0 in inbound_nodes).
    assert ours["output_layers"] == [["inner_fn", 1, 0], ["head", 0, 0]]
    shared = next(entry for entry in ours["layers"] if entry["name"] == "shared")
    assert [node["args"][0]["config"]["keras_history"] for node in shared["inbound_nodes"]] == [
        ["x", 0, 0], ["shared", 0, 0]]


@pytest.mark.keras
def test_config_with_nested_sequential_matches_keras(keras):
    ours = _plain(_nested(strata).get_config())
    theirs = _plain(json.loads(json.dumps(_nested(keras).get_config())))
    assert ours == theirs


@pytest.mark.keras
def test_configs_load_across_libraries_with_the_same_predictions(keras):
    km = _nested(keras)
    from_keras = Model.from_config(json.loads(json.dumps(km.get_config())))
    from_keras.set_weights(km.get_weights())
    for ours, theirs in zip(_predict(from_keras), _predict(km)):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    sm = _nested(strata)
    from_strata = keras.Model.from_config(json.loads(json.dumps(sm.get_config())))
    from_strata.set_weights(sm.get_weights())
    for ours, theirs in zip(_predict(sm), _predict(from_strata)):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)


def _mask_layers(lib):
    class OneArg(lib.layers.Layer):
        def call(self, inputs, mask=None):
            return inputs[0] if isinstance(inputs, list) else inputs

    class TwoArgs(lib.layers.Layer):
        def call(self, query, value, query_mask=None, value_mask=None, other_mask=None):
            return query + value

    class NoMask(lib.layers.Layer):
        def call(self, inputs):
            return inputs

    return OneArg, TwoArgs, NoMask


def _mask_model(lib):
    one, two, none = _mask_layers(lib)
    a, b = lib.Input((3,), name="a"), lib.Input((3,), name="b")
    ints = lib.Input((3,), dtype="int32", name="ints")
    pair_in = [lib.Input((3,), name="p"), lib.Input((3,), name="q")]
    inner = lib.Model(pair_in, lib.layers.Add(name="add")(pair_in), name="inner")
    outputs = [one(name="single")(a), one(name="listed")([a, b]), one(name="given")(a, mask=None),
               two(name="pair")(a, b), none(name="plain")(a), one(name="from_ints")(ints),
               inner([a, b]), lib.layers.Lambda(lambda t: t * 2.0, name="lam")(a)]
    return lib.Model([a, b, ints], outputs)


def _node_kwargs(config):
    return {entry["name"]: [node["kwargs"] for node in entry["inbound_nodes"]] for entry in config["layers"]}


@pytest.mark.keras
def test_mask_arguments_are_recorded_as_keras_records_them(keras):
    ours = _node_kwargs(_plain(_mask_model(strata).get_config()))
    theirs = _node_kwargs(_plain(json.loads(json.dumps(_mask_model(keras).get_config()))))
    assert ours == theirs
    assert ours["single"] == ours["given"] == ours["lam"] == [{"mask": None}]
    assert ours["inner"] == [{"mask": [None, None]}]
    assert ours["listed"] == ours["pair"] == ours["plain"] == ours["from_ints"] == [{}]


def test_loading_drops_empty_masks_a_layer_does_not_take():
    a = strata.Input((3,), name="a")
    model = Model(a, strata.layers.Dense(2, name="d")(a))
    config = json.loads(json.dumps(model.get_config()))
    config["layers"][1]["inbound_nodes"][0]["kwargs"] = {"mask": None}
    clone = Model.from_config(config)
    assert clone.predict(np.ones((2, 3)), verbose=0).shape == (2, 2)


def test_functional_model_passes_a_given_mask_to_its_layers():
    from strata.core.masking import get_keras_mask

    a = strata.Input((3,))
    model = Model(a, strata.layers.Dense(2)(a))
    assert model(np.ones((2, 3)), mask=None).shape == (2, 2)
    out = model(np.ones((2, 3)), mask=np.array([True, False]))
    np.testing.assert_array_equal(np.asarray(get_keras_mask(out)), [True, False])  # Dense keeps the mask


def test_keras_file_round_trip_keeps_nested_models(tmp_path):
    model = _nested(strata)
    model.save(tmp_path / "m.keras")
    loaded = strata.models.load_model(tmp_path / "m.keras")
    assert [type(l).__name__ for l in loaded.layers] == ["InputLayer", "Dense", "Sequential", "Functional",
                                                          "Dense"]
    for ours, theirs in zip(_predict(loaded), _predict(model)):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.keras
def test_keras_files_with_nested_models_cross_load(keras, tmp_path):
    model = _nested(strata)
    model.save(tmp_path / "s.keras")
    in_keras = keras.saving.load_model(tmp_path / "s.keras")
    for ours, theirs in zip(_predict(model), _predict(in_keras)):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    reference = _nested(keras)
    reference.save(tmp_path / "k.keras")
    in_strata = strata.models.load_model(tmp_path / "k.keras")
    for ours, theirs in zip(_predict(in_strata), _predict(reference)):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
