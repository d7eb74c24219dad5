"""Hashing: FarmHash/SipHash bins equal TensorFlow's (fixtures), layer parity, errors."""

from __future__ import annotations

import numpy as np
import pytest
import text_fixtures as fx

from strata import layers
from strata.layers.preprocessing.string_hash import fingerprint64, hash_buckets, siphash24

HASHING_CASES = fx.cases("Hashing")


def test_fingerprint64_matches_tensorflow_for_every_length():
    data = fx.hashes()
    lengths = {len(s.encode()) for s in data["strings"]}
    assert {0, 3, 7, 16, 17, 32, 33, 64, 65, 128, 129}.issubset(lengths)  # every FarmHash branch and edge
    got = [fingerprint64(s.encode("utf-8")) % data["buckets"] for s in data["strings"]]
    assert got == data["fast"]


def test_siphash_matches_tensorflow_strong_hash():
    data = fx.hashes()
    key = tuple(data["strong_key"])
    got = [siphash24(key, s.encode("utf-8")) % data["buckets"] for s in data["strings"]]
    assert got == data["strong"]


def test_hash_buckets_hash_integers_as_decimal_text():
    np.testing.assert_array_equal(hash_buckets(np.array([12, -5]), 97), hash_buckets(np.array(["12", "-5"]), 97))


@pytest.mark.parametrize("case", HASHING_CASES, ids=[fx.case_id(c) for c in HASHING_CASES])
def test_matches_keras(case):
    layer = fx.build(layers, case)
    fx.check_output(layer(fx.inputs_of(case)), case)
    assert fx.config_without_name(layer) == case["config"]


def test_host_side_and_symbolic_output():
    layer = layers.Hashing(num_bins=4, output_mode="multi_hot")
    assert layers.Hashing.host_side is True
    inp = layers.Input(shape=(3,), dtype="string")
    out = layer(inp)
    assert out.shape == (None, 4) and out.dtype == "float32"
    out = layers.Hashing(num_bins=4)(inp)
    assert out.shape == (None, 3) and out.dtype == "int64"


def test_accepts_scalars_lists_and_bytes():
    layer = layers.Hashing(num_bins=1000)
    assert layer("fox").shape == ()
    assert int(layer("fox")) == int(layer([b"fox"])[0]) == int(layer(np.array(["fox"], dtype=object))[0])


def test_from_config_round_trip():
    layer = layers.Hashing(num_bins=5, salt=133, mask_value="")
    clone = layers.Hashing.from_config(layer.get_config())
    words = [["a", "", "b"]]
    np.testing.assert_array_equal(layer(words), clone(words))


@pytest.mark.parametrize("kwargs, match", [
    ({"num_bins": 0}, "num_bins=0"),
    ({"num_bins": None}, "num_bins=None"),
    ({"num_bins": 3, "output_mode": "binary"}, "Expected one of .*output_mode=binary"),
    ({"num_bins": 3, "salt": "x"}, "salt=x"),
    ({"num_bins": 3, "sparse": True}, "sparse=True and output_mode=int"),
    ({"num_bins": 3, "sparse": True, "output_mode": "count"}, "sparse=True"),
    ({"num_bins": 3, "dtype": "float32"}, "dtype=float32"),
])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Hashing(**kwargs)
