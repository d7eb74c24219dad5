"""Discretization: parity with Keras on JAX (bin_boundaries), adapt boundaries equal Keras+TF
fixtures, jittable inside a compiled model, config and errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import text_fixtures as fx

from strata import layers
from strata.models import Model

X = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], dtype="float32")
ADAPT_CASES = fx.cases("Discretization")


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("x", [X, X[:, :1], X[0]], ids=["2d", "column", "1d"])
def test_matches_keras_with_boundaries(keras, mode, x):
    ours = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    theirs = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    expected = np.asarray(theirs(x))
    got = np.asarray(ours(x))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    assert ours.get_config() | {"name": None} == theirs.get_config() | {"name": None}


@pytest.mark.parametrize("case", ADAPT_CASES, ids=[fx.case_id(c) for c in ADAPT_CASES])
def test_adapt_boundaries_match_keras(case):
    layer = fx.build(layers, case)
    assert layer.bin_boundaries == case["bin_boundaries"]
    fx.check_output(layer(fx.inputs_of(case).astype("float32")), case)
    assert fx.config_without_name(layer) == case["config"]


def test_adapt_reads_batches_with_steps_and_readapts():
    data = np.linspace(0, 1, 40, dtype="float32")
    layer = layers.Discretization(num_bins=2)
    layer.adapt(iter([data[:20], data[20:], data + 100]), steps=2)
    once = list(layer.bin_boundaries)
    layer.adapt(data)
    assert layer.bin_boundaries == once and len(once) == 1


def test_jittable_and_inside_a_model():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")
    x = np.array([[-1.0], [0.5], [2.0]], dtype="float32")
    np.testing.assert_array_equal(np.asarray(jax.jit(lambda v: layer(v))(x)), np.eye(3, dtype="float32"))
    inp = layers.Input(shape=(1,))
    out = layer(inp)
    assert out.shape == (None, 3) and out.dtype == "float32"
    model = Model(inp, layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(out))
    np.testing.assert_allclose(model.predict(x, verbose=0), [[1.0], [1.0], [1.0]])
    sym = layers.Discretization(bin_boundaries=[0.0])(layers.Input(shape=(2,)))
    assert sym.shape == (None, 2) and sym.dtype == "int32"


def test_from_config_keeps_adapted_boundaries():
    layer = layers.Discretization(num_bins=3)
    layer.adapt(np.arange(30, dtype="float32"))
    clone = layers.Discretization.from_config(layer.get_config())
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 3
    np.testing.assert_array_equal(np.asarray(clone(X)), np.asarray(layer(X)))


@pytest.mark.parametrize("kwargs, match", [
    ({}, "either `num_bins` or `bin_boundaries`"),
    ({"num_bins": 2, "bin_boundaries": [0.0]}, "Both `num_bins` and `bin_boundaries`"),
    ({"num_bins": -1}, "num_bins=-1"),
    ({"num_bins": 2, "output_mode": "tf_idf"}, "`output_mode`.*Received: output_mode=tf_idf"),
    ({"num_bins": 2, "sparse": True}, "sparse=True"),
])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Discretization(**kwargs)


def test_call_and_adapt_errors():
    with pytest.raises(ValueError, match="call `adapt"):
        layers.Discretization(num_bins=3)(X)
    with pytest.raises(ValueError, match="use `num_bins` instead"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(X)


def test_model_with_adapted_discretization_and_category_encoding_saves(tmp_path):
    from strata.models import load_model

    disc = layers.Discretization(num_bins=3)
    disc.adapt(np.arange(12, dtype="float32"))
    inp = layers.Input(shape=(2,))
    counts = layers.CategoryEncoding(num_tokens=3, output_mode="count")(disc(inp))
    model = Model(inp, layers.Dense(1)(counts))
    x = np.array([[0.0, 11.0], [5.0, 6.0]], dtype="float32")
    model.save(str(tmp_path / "d.keras"))
    loaded = load_model(str(tmp_path / "d.keras"))
    assert loaded.layers[1].bin_boundaries == disc.bin_boundaries == [3.0, 7.0]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
