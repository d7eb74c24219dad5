"""Shared access to the Keras+TensorFlow fixtures of ``tests/fixtures/text`` (see
``tools/make_text_fixtures.py``) for the text and lookup layer tests."""

from __future__ import annotations

import functools
import json
import pathlib

import numpy as np

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "text"


@functools.lru_cache(maxsize=None)
def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def cases(layer: str) -> list[dict]:
    """The recorded cases of one layer class."""
    return [c for c in _load("cases.json")["cases"] if c["layer"] == layer]


def case_id(case: dict) -> str:
    return json.dumps(case["kwargs"], sort_keys=True, ensure_ascii=True)[:80] + (
        "-steps" if case.get("steps") else "-batches" if case.get("adapt_batches") else "")


def hashes() -> dict:
    return _load("hashes.json")


def models() -> dict:
    return _load("text_model.json")


def build(module, case: dict):
    """The strata layer of ``case``, adapted as Keras was."""
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = getattr(module, case["layer"])(**kwargs)
    if case.get("adapt_batches") is not None:
        layer.adapt(iter([np.array(b) for b in case["adapt_batches"]]), steps=case.get("steps"))
    elif case.get("adapt") is not None:
        layer.adapt(np.array(case["adapt"]))
    return layer


def inputs_of(case: dict) -> np.ndarray:
    dtype = case.get("input_dtype")
    return np.array(case["inputs"], dtype=dtype) if dtype else np.array(case["inputs"])


def check_output(out, case: dict) -> None:
    """``out`` equals Keras's recorded output exactly (values, shape; float32 for encodings)."""
    out = np.asarray(out)
    assert list(out.shape) == case["output_shape"]
    if case["output_dtype"] == "string":
        assert out.tolist() == case["output"]
        return
    expected = np.asarray(case["output"])
    if case["output_dtype"] == "int64" and out.dtype == np.float32:  # TF encodes multi_hot/count as int64
        np.testing.assert_array_equal(out, expected.astype(np.float32))
        return
    assert out.dtype == np.dtype(case["output_dtype"]), (out.dtype, case["output_dtype"])
    np.testing.assert_array_equal(out, expected.astype(out.dtype))


def config_without_name(layer) -> dict:
    config = layer.get_config()
    config.pop("name")
    return json.loads(json.dumps(config))
