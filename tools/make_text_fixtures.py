"""Write the text/lookup preprocessing fixtures used by tests/layers (real Keras + TensorFlow).

TensorFlow is not a dependency of strata. Keras's TextVectorization, StringLookup, IntegerLookup,
Hashing and Discretization.adapt need it, so this script runs them with real Keras 3 on the
TensorFlow backend and records what they return::

    bench/.venv-tf/bin/python tools/make_text_fixtures.py tests/fixtures/text

It writes:

- ``cases.json``: one record per layer configuration -- the class name, constructor arguments,
  the data given to ``adapt`` (if any), the inputs of the call, Keras's ``get_config()``
  (minus ``name``), ``get_vocabulary()`` and the call's output (values, shape, dtype);
- ``hashes.json``: ``to_hash_bucket_fast`` / ``to_hash_bucket_strong`` bins of strings of every
  length class of FarmHash (0..80 bytes) and of unicode text;
- ``text_model.keras`` / ``text_model.json``: a Sequential model (string Input, adapted
  TextVectorization, Embedding, GlobalAveragePooling1D, Dense) saved by Keras, with its
  predictions on a few strings; ``tfidf_model.keras`` likewise for a tf_idf TextVectorization
  feeding a Dense layer.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

CORPUS = [
    "The quick brown fox.",
    "the QUICK dog!",
    "Über café naïve — ÉCOLE",
    "",
    "dog dog cat, cat",
    "a-b c_d e's [x]",
    "zebra apple mango",
    "  multiple   spaces\there\u00a0nbsp ",
    "Fox? fox! FOX...",
]
QUERIES = ["the fox", "unknown words here dog", "", "Café DOG cat cat", "zebra\tapple"]
TOKENS = ["b", "a", "c", "a", "b", "d", "", "e", "a", "[UNK]", "é"]
TOKEN_QUERIES = [["a", "b", "zz"], ["", "e", "é"], ["c", "[UNK]", "q"]]
INTS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 0, -1, 7]
INT_QUERIES = [[1, 5, 42], [0, -1, 9], [3, 8, 100]]


def _tv_cases():
    cases = []
    add = cases.append
    add(dict(kwargs={}))
    add(dict(kwargs={"max_tokens": 6}))
    add(dict(kwargs={"output_sequence_length": 3}))
    add(dict(kwargs={"output_sequence_length": 8}))
    add(dict(kwargs={"output_mode": "multi_hot"}))
    add(dict(kwargs={"output_mode": "count", "max_tokens": 8}))
    add(dict(kwargs={"output_mode": "tf_idf"}))
    add(dict(kwargs={"output_mode": "tf_idf", "max_tokens": 7, "pad_to_max_tokens": True}))
    add(dict(kwargs={"output_mode": "multi_hot", "max_tokens": 20, "pad_to_max_tokens": True}))
    add(dict(kwargs={"output_mode": "one_hot", "split": None}, inputs=[["the fox."], ["cat"], ["nope"]]))
    add(dict(kwargs={"ngrams": 2}))
    add(dict(kwargs={"ngrams": [1, 3], "output_mode": "count"}))
    add(dict(kwargs={"ngrams": 3}))
    add(dict(kwargs={"standardize": "lower"}))
    add(dict(kwargs={"standardize": "strip_punctuation"}))
    add(dict(kwargs={"standardize": None}))
    add(dict(kwargs={"split": "character", "max_tokens": 12}))
    add(dict(kwargs={"split": None}))
    add(dict(kwargs={"output_sequence_length": 4}, inputs=[[q] for q in QUERIES]))
    add(dict(kwargs={"vocabulary": ["fox", "dog", "the", "cat"]}, adapt=None))
    add(dict(kwargs={"vocabulary": ["[UNK]", "fox", "dog"], "output_mode": "count"}, adapt=None))
    add(dict(kwargs={"vocabulary": ["fox", "dog", "cat"], "output_mode": "tf_idf",
                     "idf_weights": [0.5, 0.25, 2.0]}, adapt=None))
    add(dict(kwargs={"output_mode": "multi_hot"}, adapt_batches=[CORPUS[:4], CORPUS[4:]]))
    add(dict(kwargs={"max_tokens": 5}, adapt_batches=[CORPUS[:3], CORPUS[3:6], CORPUS[6:]], steps=2))
    for case in cases:
        case["layer"] = "TextVectorization"
        case.setdefault("adapt", CORPUS)
        case.setdefault("inputs", QUERIES)
    return cases


def _lookup_cases():
    cases = []
    s = dict(layer="StringLookup", adapt=TOKENS, inputs=TOKEN_QUERIES)
    for kwargs in [{}, {"max_tokens": 4}, {"num_oov_indices": 2}, {"num_oov_indices": 3, "mask_token": ""},
                   {"mask_token": "", "oov_token": "?"}, {"output_mode": "one_hot"},
                   {"output_mode": "multi_hot", "mask_token": ""}, {"output_mode": "count"},
                   {"output_mode": "tf_idf"}, {"output_mode": "count", "pad_to_max_tokens": True, "max_tokens": 10},
                   {"num_oov_indices": 0}, {"num_oov_indices": 2, "salt": 7}]:
        inputs = TOKEN_QUERIES if kwargs.get("num_oov_indices") != 0 else [["a", "b"], ["", "e"]]
        cases.append(dict(s, kwargs=kwargs, inputs=inputs))
    cases.append(dict(s, kwargs={"output_mode": "one_hot"}, inputs=["a", "b", "zz", "e"]))
    cases.append(dict(s, kwargs={"output_mode": "one_hot"}, inputs=[["a"], ["zz"]]))
    cases.append(dict(s, kwargs={"vocabulary": ["x", "y", "z"]}, adapt=None, inputs=[["y", "q"], ["x", "z"]]))
    cases.append(dict(s, kwargs={"vocabulary": ["", "[UNK]", "x", "y"], "mask_token": ""}, adapt=None,
                      inputs=[["y", "q"], ["", "x"]]))
    cases.append(dict(s, kwargs={"vocabulary": ["x", "y", "z"], "invert": True}, adapt=None,
                      inputs=[[1, 2], [3, 0], [7, 2]]))
    cases.append(dict(s, kwargs={"vocabulary": ["x", "y"], "invert": True, "mask_token": ""}, adapt=None,
                      inputs=[[0, 1], [2, 3]]))
    cases.append(dict(s, kwargs={"invert": True}, inputs=[[1, 2, 3], [0, 4, 99]]))
    cases.append(dict(s, kwargs={"vocabulary": ["x", "y", "z"], "output_mode": "tf_idf",
                                 "idf_weights": [1.0, 2.0, 3.0]}, adapt=None,
                      inputs=[["x", "q", "x"], ["z", "y", "y"]]))
    cases.append(dict(s, kwargs={}, inputs="b"))
    i = dict(layer="IntegerLookup", adapt=INTS, inputs=INT_QUERIES)
    for kwargs in [{}, {"max_tokens": 5}, {"num_oov_indices": 3}, {"mask_token": 0}, {"mask_token": 0, "oov_token": 99},
                   {"output_mode": "multi_hot"}, {"output_mode": "count", "mask_token": 0},
                   {"output_mode": "tf_idf"}, {"output_mode": "one_hot"},
                   {"num_oov_indices": 2, "oov_method": "farmhash"},
                   {"num_oov_indices": 2, "oov_method": "farmhash", "salt": [3, 11]}]:
        cases.append(dict(i, kwargs=kwargs))
    cases.append(dict(i, kwargs={"vocabulary": [12, 36, 1138, 42]}, adapt=None,
                      inputs=[[12, 1138, 42], [42, 1000, 36]]))
    cases.append(dict(i, kwargs={"vocabulary": [12, 36, 1138, 42], "invert": True}, adapt=None,
                      inputs=[[1, 3, 4], [0, 2, 9]]))
    cases.append(dict(i, kwargs={"vocabulary": [12, 36], "invert": True, "mask_token": 0}, adapt=None,
                      inputs=[[0, 1, 2, 3]]))
    return cases


def _hashing_cases():
    words = [["the", "fox", ""], ["Über", "dog", "naïve"], ["a", "b", "c"]]
    cases = []
    for kwargs in [{"num_bins": 3}, {"num_bins": 1000}, {"num_bins": 3, "mask_value": ""},
                   {"num_bins": 5, "salt": 133}, {"num_bins": 5, "salt": [1, 2]},
                   {"num_bins": 4, "mask_value": "fox", "salt": 9},
                   {"num_bins": 4, "output_mode": "multi_hot"}, {"num_bins": 4, "output_mode": "count"},
                   {"num_bins": 6, "output_mode": "one_hot"}]:
        cases.append(dict(layer="Hashing", kwargs=kwargs, inputs=words))
    cases.append(dict(layer="Hashing", kwargs={"num_bins": 6, "output_mode": "one_hot"}, inputs=[["fox"], ["dog"]]))
    cases.append(dict(layer="Hashing", kwargs={"num_bins": 7}, inputs=[[1, 2, 3], [-5, 1234567890123, 0]]))
    cases.append(dict(layer="Hashing", kwargs={"num_bins": 7, "mask_value": 0}, inputs=[[1, 0, 3], [0, 12, 4]]))
    cases.append(dict(layer="Hashing", kwargs={"num_bins": 7}, inputs=[[1.7, -2.2, 3.0]], input_dtype="float32"))
    cases.append(dict(layer="Hashing", kwargs={"num_bins": 9}, inputs=["fox", "dog", "x"]))
    for case in cases:
        case["adapt"] = None
    return cases


def _discretization_cases():
    rng = np.random.default_rng(0)
    data = np.round(rng.normal(size=(40, 1)), 3).astype("float32").tolist()
    data2 = np.round(rng.uniform(-3, 9, size=(7, 3)), 2).astype("float32").tolist()
    cases = []
    for kwargs, d in [({"num_bins": 4}, data), ({"num_bins": 3, "epsilon": 0.1}, data),
                      ({"num_bins": 5}, data2), ({"num_bins": 2, "output_mode": "one_hot"}, data),
                      ({"num_bins": 4, "epsilon": 0.001}, data2)]:
        cases.append(dict(layer="Discretization", kwargs=kwargs, adapt=d, inputs=[[-1.0], [0.0], [0.3], [2.5]]))
    batches = [data[:15], data[15:30], data[30:]]
    cases.append(dict(layer="Discretization", kwargs={"num_bins": 4}, adapt_batches=batches,
                      inputs=[[-1.0], [0.0], [0.3], [2.5]]))
    return cases


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value


def _run_case(keras, case):
    cls = getattr(keras.layers, case["layer"])
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = cls(**kwargs)
    if case.get("adapt_batches") is not None:
        layer.adapt(iter([np.array(b) for b in case["adapt_batches"]]), steps=case.get("steps"))
    elif case.get("adapt") is not None:
        layer.adapt(np.array(case["adapt"]))
    dtype = case.get("input_dtype")
    inputs = np.array(case["inputs"], dtype=dtype) if dtype else np.array(case["inputs"])
    out = np.asarray(layer(inputs))
    config = layer.get_config()
    config.pop("name")
    record = dict(case, config=_jsonable(config), output=_jsonable(out), output_shape=list(out.shape),
                  output_dtype=str(out.dtype))
    if out.dtype.kind in "SO":
        record["output_dtype"] = "string"
    if hasattr(layer, "get_vocabulary"):
        record["vocabulary"] = _jsonable(layer.get_vocabulary())
        record["vocabulary_size"] = int(layer.vocabulary_size())
    if case["layer"] == "Discretization":
        record["bin_boundaries"] = [float(b) for b in layer.bin_boundaries]
    return record


def _hashes(tf):
    rng = np.random.default_rng(3)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 .,!?ÄéΩ→"
    strings = ["".join(rng.choice(list(alphabet), size=n)) for n in range(0, 140)]
    strings += ["x" * n for n in (8, 16, 17, 32, 33, 64, 65, 128, 129)]
    strings += ["fox", "12", "-5", "Über", "naïve", "the quick brown fox jumps over the lazy dog" * 3]
    fast = tf.strings.to_hash_bucket_fast(strings, 2**62).numpy().tolist()
    strong = tf.strings.to_hash_bucket_strong(strings, 2**62, key=[7, 1234567]).numpy().tolist()
    return {"strings": strings, "buckets": 2**62, "fast": fast, "strong_key": [7, 1234567], "strong": strong}


def _models(keras, tf, out_dir):
    layers = keras.layers
    keras.utils.set_random_seed(1)
    tv = layers.TextVectorization(max_tokens=12, output_sequence_length=5)
    tv.adapt(np.array(CORPUS))
    inp = keras.Input(shape=(1,), dtype="string")
    x = tv(inp)
    x = layers.Embedding(12, 3)(x)
    x = layers.GlobalAveragePooling1D()(x)
    out = layers.Dense(2)(x)
    model = keras.Model(inp, out)
    queries = tf.constant([[q] for q in QUERIES])
    model.save(out_dir / "text_model.keras")
    expected = {"queries": QUERIES, "text_model": model.predict(queries, verbose=0).tolist(),
                "text_vocabulary": tv.get_vocabulary()}

    tv2 = layers.TextVectorization(output_mode="tf_idf", max_tokens=9)
    tv2.adapt(np.array(CORPUS))
    model2 = keras.Sequential([keras.Input(shape=(1,), dtype="string"), tv2, layers.Dense(2)])
    model2.save(out_dir / "tfidf_model.keras")
    expected["tfidf_model"] = model2.predict(queries, verbose=0).tolist()
    expected["tfidf_vocabulary"] = tv2.get_vocabulary()
    (out_dir / "text_model.json").write_text(json.dumps(expected, ensure_ascii=False, indent=0))


def main(out_dir: str) -> None:
    import keras
    import tensorflow as tf

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = _tv_cases() + _lookup_cases() + _hashing_cases() + _discretization_cases()
    records = []
    for case in cases:
        try:
            records.append(_run_case(keras, case))
        except Exception as error:  # Keras refuses this case: record the error instead
            records.append(dict(case, error=type(error).__name__, message=str(error)[:300]))
    meta = {"keras": keras.__version__, "tensorflow": tf.__version__, "corpus": CORPUS}
    (out / "cases.json").write_text(json.dumps({"meta": meta, "cases": records}, ensure_ascii=False))
    (out / "hashes.json").write_text(json.dumps(_hashes(tf), ensure_ascii=False))
    _models(keras, tf, out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/text")
