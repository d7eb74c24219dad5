"""Constraints: projections against Keras, configs, names and errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from strata import constraints
from strata.core.variable import Variable

_DENSE = np.random.default_rng(1).normal(scale=2.0, size=(6, 4)).astype("float32")
_CONV = np.random.default_rng(2).normal(size=(3, 3, 2, 5)).astype("float32")

_CASES = [
    ("MaxNorm", {}), ("MaxNorm", {"max_value": 1.5, "axis": 1}),
    ("MinMaxNorm", {}), ("MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "rate": 0.5, "axis": 1}),
    ("NonNeg", {}), ("UnitNorm", {}), ("UnitNorm", {"axis": 1}),
]


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs", _CASES)
def test_projection_and_config_match_keras(keras, name, kwargs):
    ours = getattr(constraints, name)(**kwargs)
    theirs = getattr(keras.constraints, name)(**kwargs)
    np.testing.assert_allclose(np.asarray(ours(_DENSE)), np.asarray(theirs(_DENSE)), rtol=1e-6, atol=1e-7)
    assert ours.get_config() == theirs.get_config()
    assert constraints.serialize(ours) == keras.constraints.serialize(theirs)
    rebuilt = constraints.deserialize(keras.constraints.serialize(theirs))
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()


@pytest.mark.keras
@pytest.mark.parametrize("name", ["MaxNorm", "MinMaxNorm", "UnitNorm"])
def test_conv_kernel_axes_match_keras(keras, name):
    ours = getattr(constraints, name)(axis=[0, 1, 2])
    theirs = getattr(keras.constraints, name)(axis=[0, 1, 2])
    np.testing.assert_allclose(np.asarray(ours(_CONV)), np.asarray(theirs(_CONV)), rtol=1e-6, atol=1e-7)


@pytest.mark.keras
def test_every_keras_name_resolves(keras):
    from keras.src.constraints import ALL_OBJECTS_DICT as KERAS_NAMES

    for name, cls in KERAS_NAMES.items():
        ours = constraints.get(name)
        assert type(ours).__name__ == cls.__name__
        assert ours.get_config() == keras.constraints.get(name).get_config()


def test_known_projections():
    w = np.array([[3.0, 0.1], [4.0, 0.0]], "float32")
    out = np.asarray(constraints.MaxNorm(max_value=1.0)(w))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [1.0, 0.1], rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm()(w), axis=0), [1.0, 1.0], rtol=1e-5)
    np.testing.assert_array_equal(constraints.NonNeg()(np.array([-1.0, 2.0])), [0.0, 2.0])


def test_variables_and_jit():
    variable = Variable(_DENSE)
    max_norm = constraints.get("max_norm")
    np.testing.assert_allclose(max_norm(variable), max_norm(_DENSE))
    np.testing.assert_allclose(jax.jit(max_norm)(_DENSE), max_norm(_DENSE), rtol=1e-6)


def test_registry():
    assert constraints.get(None) is None
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    assert constraints.serialize(None) is None
    with pytest.raises(ValueError, match=r"Unknown constraint: 'maxnorm'.*'max_norm'"):
        constraints.get("maxnorm")
    with pytest.raises(ValueError, match="dict with a 'class_name' key"):
        constraints.deserialize({"config": {}})
