"""TextVectorization: exact parity with Keras+TF fixtures, symbolic use, errors, saving."""

from __future__ import annotations

import numpy as np
import pytest
import text_fixtures as fx

from strata import layers

TV_CASES = fx.cases("TextVectorization")


@pytest.mark.parametrize("case", TV_CASES, ids=[fx.case_id(c) for c in TV_CASES])
def test_matches_keras(case):
    layer = fx.build(layers, case)
    fx.check_output(layer(fx.inputs_of(case)), case)
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    assert fx.config_without_name(layer) == case["config"]


CORPUS = ["The cat sat.", "the dog ran", "a cat", "dog dog"]


def _adapted(**kwargs):
    layer = layers.TextVectorization(**kwargs)
    layer.adapt(CORPUS)
    return layer


def test_host_side_symbolic_outputs_follow_keras():
    assert layers.TextVectorization.host_side is True
    inp = layers.Input(shape=(1,), dtype="string")
    assert inp.dtype == "string"
    out = _adapted(output_sequence_length=5)(inp)
    assert out.shape == (None, 5) and out.dtype == "int64"
    # Keras records (None, 1, 9) as the Dense input of its tf_idf fixture model (max_tokens=9).
    dense_shape = _keras_member_json("tfidf_model.keras", "config.json")["config"]["layers"][2]["build_config"]
    out = _adapted(output_mode="tf_idf", max_tokens=9, pad_to_max_tokens=True)(inp)
    assert list(out.shape) == dense_shape["input_shape"] and out.dtype == "float32"
    assert _adapted(split=None, output_mode="multi_hot")(inp).shape == (None, 5)  # 4 strings + OOV


def test_cannot_be_traced_by_jax():
    import jax

    layer = _adapted()
    with pytest.raises(TypeError, match="runs on the host"):
        jax.jit(lambda v: layer(v))(np.zeros((2, 1)))


def test_scalar_and_bytes_inputs():
    layer = _adapted()
    the, cat, dog = (layer.get_vocabulary().index(w) for w in ("the", "cat", "dog"))
    assert layer("the cat").tolist() == layer([b"the cat"])[0].tolist() == [the, cat]
    assert layer(np.array([["dog"], ["cat dog"]], dtype=object)).tolist() == [[dog, 0], [cat, dog]]


def test_unadapted_int_mode_maps_to_oov_and_other_modes_refuse():
    assert layers.TextVectorization()(["a b", ""]).tolist() == [[1, 1], [0, 0]]
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary before calling it"):
        layers.TextVectorization(output_mode="count")(["a"])


def test_callable_standardize_and_split():
    layer = layers.TextVectorization(standardize=lambda a: np.char.upper(a), split=lambda a: [s.split("-") for s in a])
    layer.adapt(["a-b-b", "c"])
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    assert layer(["b-a-x"]).tolist() == [[2, 4, 1]]


def test_adapt_from_generator_pydataset_and_tuples():
    from strata.utils import PyDataset

    class Texts(PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.array(CORPUS[2 * i:2 * i + 2]), np.zeros(2)

    a, b, c = layers.TextVectorization(), layers.TextVectorization(), layers.TextVectorization()
    a.adapt(Texts())
    b.adapt((np.array(CORPUS[i:i + 1]) for i in range(4)))
    c.adapt(CORPUS)
    assert a.get_vocabulary() == b.get_vocabulary() == c.get_vocabulary()
    d = layers.TextVectorization()
    d.adapt(iter([np.array(CORPUS[:1]), np.array(CORPUS[1:])]), steps=1)
    assert d.get_vocabulary(include_special_tokens=False) == ["the", "sat", "cat"]


def test_vocabulary_file_set_vocabulary_and_config_round_trip(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("cat\ndog\n", encoding="utf-8")
    from_file = layers.TextVectorization(vocabulary=str(path))
    assert from_file.get_vocabulary() == ["", "[UNK]", "cat", "dog"]
    assert from_file.get_config()["vocabulary"] is None
    layer = layers.TextVectorization(ngrams=(1, 2), output_mode="count")
    layer.set_vocabulary(["cat", "cat sat"])
    config = layer.get_config()
    assert config["ngrams"] == (1, 2) and config["vocabulary_size"] == 3
    clone = layers.TextVectorization.from_config({**config, "ngrams": [1, 2], "vocabulary": ["cat", "cat sat"]})
    np.testing.assert_array_equal(clone(["cat sat"]), layer(["cat sat"]))
    np.testing.assert_array_equal(layer(["cat sat"]), [[1, 1, 1]])


@pytest.mark.parametrize("kwargs, match", [
    ({"output_mode": "bogus"}, r"`output_mode` argument of TextVectorization. Allowed values are: .*'tf_idf'.*"
                               r"Received: output_mode=bogus"),
    ({"standardize": "upper"}, "`standardize`.*Received: standardize=upper"),
    ({"split": "comma"}, "`split`.*Received: split=comma"),
    ({"ngrams": 1.5}, "`ngrams` must be None, an integer, or a tuple"),
    ({"output_mode": "count", "output_sequence_length": 3}, "must not be set if `output_mode` is not 'int'"),
    ({"output_sequence_length": 2.5}, "either None or an integer"),
    ({"sparse": True}, "sparse=True"),
    ({"ragged": True}, "ragged=True"),
    ({"max_tokens": 1}, "max_tokens=1"),
    ({"vocabulary": ["a"], "output_mode": "tf_idf"}, "`idf_weights` argument must also be provided"),
    ({"vocabulary": ["a", "a"]}, "repeated term.*'a'"),
    ({"vocabulary": ["a", "b"], "max_tokens": 3}, "vocabulary size is 4; `max_tokens` is 3"),
])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.TextVectorization(**kwargs)


def test_call_and_adapt_errors():
    layer = _adapted()
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        layer(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="Cannot set an empty vocabulary"):
        layer.set_vocabulary([])
    fixed = layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        fixed.adapt(["a b"])


# -- saving --------------------------------------------------------------------------------------

def _keras_member_json(filename, member):
    import json
    import zipfile

    with zipfile.ZipFile(fx.FIXTURES / filename) as archive:
        return json.loads(archive.read(member))


def _run_layers(model, x):
    for layer in model.layers:
        if type(layer).__name__ != "InputLayer":
            x = layer(x)
    return np.asarray(x)


def test_loads_keras_written_tf_idf_model():
    from strata.models import load_model

    expected = fx.models()
    model = load_model(str(fx.FIXTURES / "tfidf_model.keras"))
    tv = model.layers[0]
    assert tv.get_vocabulary() == expected["tfidf_vocabulary"]
    assert tv.get_config()["vocabulary"] is None
    x = np.array([[q] for q in expected["queries"]])
    np.testing.assert_allclose(_run_layers(model, x), expected["tfidf_model"], rtol=1e-6, atol=1e-6)


def test_loads_keras_written_embedding_model():
    from strata.models import load_model

    expected = fx.models()
    model = load_model(str(fx.FIXTURES / "text_model.keras"))
    x = np.array([[q] for q in expected["queries"]])
    np.testing.assert_allclose(_run_layers(model, x), expected["text_model"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("zipped", [True, False])
def test_save_load_round_trip_keeps_vocabulary_and_idf(tmp_path, zipped):
    import zipfile

    import h5py

    from strata.models import Sequential, load_model

    tv = _adapted(output_mode="tf_idf", max_tokens=6)
    model = Sequential([layers.Input(shape=(1,), dtype="string"), tv, layers.Dense(2)])
    path = str(tmp_path / "m.keras")
    model.save(path, zipped=zipped)
    x = np.array([["the cat"], ["dog ran far"]])
    loaded = load_model(path)
    assert loaded.layers[0].get_vocabulary() == tv.get_vocabulary()
    np.testing.assert_allclose(_run_layers(loaded, x), _run_layers(model, x), rtol=1e-6)
    if zipped:  # Keras's layout: vocabulary assets at the layer and its `_lookup_layer`, idf by name
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            with zipfile.ZipFile(fx.FIXTURES / "tfidf_model.keras") as theirs:
                assert names == set(theirs.namelist())
            assert archive.read("assets/layers/text_vectorization/vocabulary.txt").decode() == "\n".join(
                tv.get_vocabulary())
            with h5py.File(archive.open("model.weights.h5"), "r") as h5:
                idf = h5["layers/text_vectorization/_lookup_layer/vars/idf_weights"][()]
                np.testing.assert_array_equal(idf, tv._lookup_layer._idf)
