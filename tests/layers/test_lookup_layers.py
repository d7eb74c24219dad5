"""StringLookup and IntegerLookup: exact parity with Keras+TF fixtures, errors, saving."""

from __future__ import annotations

import numpy as np
import pytest

from strata import layers
import text_fixtures as fx

LOOKUP_CASES = fx.cases("StringLookup") + fx.cases("IntegerLookup")


@pytest.mark.parametrize("case", LOOKUP_CASES, ids=[f"{c['layer']}-{fx.case_id(c)}" for c in LOOKUP_CASES])
def test_lookup_matches_keras(case):
    layer = fx.build(layers, case)
    fx.check_output(layer(fx.inputs_of(case)), case)
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    assert fx.config_without_name(layer) == case["config"]


def test_host_side_and_symbolic_specs():
    assert layers.StringLookup.host_side and layers.IntegerLookup.host_side
    inp = layers.Input(shape=(3,), dtype="string")
    out = layers.StringLookup(vocabulary=["a", "b"])(inp)
    assert out.shape == (None, 3) and out.dtype == "int64"
    out = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")(inp)
    assert out.shape == (None, 3) and out.dtype == "float32"
    out = layers.StringLookup(vocabulary=["a", "b"], invert=True)(layers.Input(shape=(2,), dtype="int64"))
    assert out.dtype == "string"


def test_invert_round_trip_and_special_tokens():
    forward = layers.StringLookup(vocabulary=["x", "y"], mask_token="")
    inverse = layers.StringLookup(vocabulary=["x", "y"], mask_token="", invert=True)
    ids = forward([["y", "", "q"]])
    assert ids.tolist() == [[3, 0, 1]] and ids.dtype == np.int64
    assert inverse(ids).tolist() == [["y", "", "[UNK]"]]
    assert forward.get_vocabulary(include_special_tokens=False) == ["x", "y"]
    ints = layers.IntegerLookup(vocabulary=[7, 9], invert=True)([[1, 2, 0]])
    assert ints.tolist() == [[7, 9, -1]] and ints.dtype == np.int64


def test_vocabulary_from_file_and_adapt_steps(tmp_path):
    path = tmp_path / "ints.txt"
    path.write_text("5\n3\n", encoding="utf-8")
    layer = layers.IntegerLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == [-1, 5, 3] and layer([3, 5, 8]).tolist() == [2, 1, 0]
    adapted = layers.StringLookup()
    adapted.adapt((np.array(b) for b in [["a", "b", "b"], ["c", "c", "c"]]), steps=1)
    assert adapted.get_vocabulary() == ["[UNK]", "b", "a"]


def test_tf_idf_vocabulary_pads_idf_like_keras():
    layer = layers.StringLookup(vocabulary=["x", "y"], idf_weights=[1.0, 3.0], output_mode="tf_idf",
                                max_tokens=5, pad_to_max_tokens=True)
    np.testing.assert_allclose(layer([["x", "q", "x"]]), [[2.0, 2.0, 0.0, 0.0, 0.0]])  # OOV gets the mean


@pytest.mark.parametrize("kwargs, match", [
    ({"output_mode": "bogus"}, r"`output_mode` argument of StringLookup. Allowed values are: .*Received: "
                               r"output_mode=bogus"),
    ({"invert": True, "output_mode": "count"}, "must be `'int'` when `invert` is true"),
    ({"idf_weights": [1.0]}, "`idf_weights` should only be set if `output_mode` is `'tf_idf'`"),
    ({"num_oov_indices": -1}, "num_oov_indices=-1"),
    ({"max_tokens": 1}, "max_tokens=1"),
    ({"pad_to_max_tokens": True}, "pad_to_max_tokens is True, must set `max_tokens`"),
    ({"output_mode": "count", "sparse": True}, "sparse=True"),
    ({"salt": "x"}, "salt=x"),
    ({"vocabulary": ["a", "[UNK]"], "invert": True}, "reserved OOV token at unexpected location"),
    ({"vocabulary": ["a", ""], "mask_token": ""}, "reserved mask token at unexpected location"),
    ({"vocabulary": "/no/such/vocab.txt"}, "Vocabulary file /no/such/vocab.txt does not exist"),
])
def test_string_lookup_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.StringLookup(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"vocabulary_dtype": "int32"}, "Only `vocabulary_dtype='int64'`"),
    ({"max_tokens": 0}, "max_tokens=0"),
    ({"salt": 3}, "`salt` can only be used when `oov_method='farmhash'`"),
    ({"oov_method": "md5"}, "oov_method='md5'"),
])
def test_integer_lookup_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.IntegerLookup(**kwargs)


def test_oov_token_inside_vocabulary_is_allowed_unless_inverted():
    assert layers.StringLookup(vocabulary=["a", "[UNK]"])(["[UNK]", "b"]).tolist() == [2, 0]


def test_call_errors():
    with pytest.raises(ValueError, match="all inputs should be in vocabulary, found OOV values \\['z'\\]"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "z"])
    with pytest.raises(RuntimeError, match="must set the layer's vocabulary before calling it"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(TypeError, match="expects integer inputs"):
        layers.IntegerLookup(vocabulary=[1])(["a"])
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        layers.StringLookup(vocabulary=["a"]).adapt(["a"])


def test_model_save_load_keeps_adapted_vocabulary(tmp_path):
    from strata.models import Sequential, load_model

    lookup = layers.StringLookup(output_mode="multi_hot")
    lookup.adapt(["b", "a", "b", "c"])
    model = Sequential([layers.Input(shape=(2,), dtype="string"), lookup, layers.Dense(2)])
    model.save(str(tmp_path / "m.keras"))
    loaded = load_model(str(tmp_path / "m.keras"))
    assert loaded.layers[0].get_vocabulary() == ["[UNK]", "b", "c", "a"]  # ties: high to low, as Keras
    assert loaded.layers[0].get_config()["vocabulary"] is None
    x = np.array([["a", "z"], ["c", "b"]])
    np.testing.assert_allclose(np.asarray(loaded.layers[1](loaded.layers[0](x))),
                               np.asarray(model.layers[1](model.layers[0](x))), rtol=1e-6)
