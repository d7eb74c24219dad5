"""Regularizers: penalties against Keras, configs, names and errors."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata import regularizers
from strata.core.variable import Variable

_W = np.random.default_rng(0).normal(size=(7, 5)).astype("float32")

_CASES = [
    ("L1", {}), ("L1", {"l1": 0.3}), ("L2", {}), ("L2", {"l2": 1e-4}), ("L1L2", {}),
    ("L1L2", {"l1": 0.01, "l2": 0.02}), ("L1L2", {"l1": 0.0, "l2": 0.5}),
    ("OrthogonalRegularizer", {}), ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs", _CASES)
def test_penalty_and_config_match_keras(keras, name, kwargs):
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    value = ours(_W)
    assert isinstance(value, jax.Array) and value.shape == () and value.dtype == jnp.float32
    # Keras is given a tensor: its NumPy path of `normalize` mishandles axis=0 (columns mode).
    np.testing.assert_allclose(np.asarray(value), np.asarray(theirs(jnp.asarray(_W))), rtol=1e-6)
    # Keras stores L1's `l1` and the orthogonal `factor` as float32 tensors, so its configs hold
    # 0.009999999776482582 where strata keeps the float that was passed (0.01).
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert list(ours_config) == list(theirs_config)
    for key, setting in ours_config.items():
        assert isinstance(setting, str if key == "mode" else float)
        assert setting == (theirs_config[key] if key == "mode" else pytest.approx(theirs_config[key], rel=1e-7))
    serialized = regularizers.serialize(ours)
    assert {**serialized, "config": None} == {**keras.regularizers.serialize(theirs), "config": None}
    rebuilt = regularizers.deserialize(keras.regularizers.serialize(theirs))
    assert type(rebuilt) is type(ours)
    np.testing.assert_allclose(np.asarray(rebuilt(_W)), np.asarray(value), rtol=1e-6)
    assert regularizers.deserialize(serialized).get_config() == ours_config


@pytest.mark.keras
def test_every_keras_name_resolves(keras):
    from keras.src.regularizers import ALL_OBJECTS_DICT as KERAS_NAMES

    for name, cls in KERAS_NAMES.items():
        if cls.__name__ == "Regularizer":
            continue
        ours = regularizers.get(name)
        assert type(ours).__name__ == cls.__name__
        theirs = keras.regularizers.get(name).get_config()
        assert ours.get_config() == {k: v if isinstance(v, str) else pytest.approx(v) for k, v in theirs.items()}


def test_string_identifiers_and_defaults():
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("l1").get_config() == {"l1": 0.009999999776482582}  # float32, as Keras writes it
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get("l1l2").get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
    assert regularizers.l2(0.001).get_config() == {"l2": 0.001}
    assert regularizers.L2(l2=1).get_config() == {"l2": 1.0}


def test_known_values():
    w = np.array([[1.0, -2.0], [3.0, 0.0]], "float32")
    assert float(regularizers.L2(0.5)(w)) == pytest.approx(7.0)
    assert float(regularizers.L1(0.5)(w)) == pytest.approx(3.0)
    assert float(regularizers.L1L2(0.5, 0.5)(w)) == pytest.approx(10.0)
    assert float(regularizers.OrthogonalRegularizer(1.0)(np.eye(3, dtype="float32"))) == pytest.approx(0.0)


def test_variables_jit_and_gradients():
    variable = Variable(_W)
    reg = regularizers.L2(0.1)
    np.testing.assert_allclose(reg(variable), reg(_W))
    grad = jax.grad(lambda w: reg(w))(jnp.asarray(_W))
    np.testing.assert_allclose(grad, 0.2 * _W, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(regularizers.OrthogonalRegularizer())(_W),
                               regularizers.OrthogonalRegularizer()(_W), rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match=r"`l2` must be a non-negative, finite float. Received: l2=-1"):
        regularizers.L2(-1)
    with pytest.raises(ValueError, match=r"Received: l1=nan"):
        regularizers.L1(float("nan"))
    with pytest.raises(ValueError, match=r"Received: l1='0.1'"):
        regularizers.L1L2(l1="0.1")
    with pytest.raises(ValueError, match=r"`mode` must be 'rows' or 'columns'. Received: mode='diag'"):
        regularizers.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match=r"rank-2 weight matrix. Received: inputs.shape=\(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    with pytest.raises(ValueError, match=r"Unknown regularizer: 'l3'.*'l1'.*'l2'"):
        regularizers.get("l3")


def test_custom_regularizer_round_trip():
    class Scaled(regularizers.Regularizer):
        def __init__(self, k=1.0):
            self.k = k

        def __call__(self, x):
            return self.k * jnp.sum(x)

        def get_config(self):
            return {"k": self.k}

    config = regularizers.serialize(Scaled(2.0))
    rebuilt = regularizers.deserialize(config, custom_objects={"Scaled": Scaled})
    assert isinstance(rebuilt, Scaled) and rebuilt.k == 2.0
    with pytest.raises(ValueError, match="Unknown regularizer: 'Scaled'"):
        regularizers.deserialize(config)
