"""Activation functions: values against real Keras, the registry, jit and Variable inputs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata import activations
from strata.core.variable import Variable

# Moderate values plus large magnitudes where naive formulas overflow or lose precision.
_GRID = np.concatenate([
    np.linspace(-10.0, 10.0, 201),
    [-1e4, -300.0, -100.0, -88.0, -50.0, -20.0, -1e-6, 0.0, 1e-6, 20.0, 50.0, 80.0, 100.0, 300.0, 1e4],
]).astype("float32")
_X = _GRID.reshape(-1, 36) if _GRID.size % 36 == 0 else _GRID[: (_GRID.size // 36) * 36].reshape(-1, 36)

_ELEMENTWISE = [
    "linear", "relu", "leaky_relu", "relu6", "elu", "selu", "celu", "softplus", "softsign",
    "soft_shrink", "sparse_plus", "silu", "swish", "squareplus", "gelu", "tanh", "tanh_shrink",
    "hard_tanh", "hard_shrink", "sigmoid", "sparse_sigmoid", "exponential", "hard_sigmoid",
    "log_sigmoid", "hard_silu", "hard_swish", "mish",
]


def _keras_fn(keras, name):
    return keras.activations.get(name)


@pytest.mark.keras
@pytest.mark.parametrize("name", _ELEMENTWISE)
def test_elementwise_values_match_keras(keras, name):
    x = _X if name != "exponential" else np.clip(_X, -80.0, 80.0)
    ours = np.asarray(activations.get(name)(x))
    theirs = np.asarray(_keras_fn(keras, name)(x))
    assert ours.shape == x.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.keras
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "glu"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_axis_activations_match_keras(keras, name, axis):
    x = np.random.default_rng(0).normal(scale=30.0, size=(6, 8)).astype("float32")
    ours = activations.get(name)(x, axis=axis)
    theirs = _keras_fn(keras, name)(x, axis=axis)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    {"negative_slope": 0.1},
    {"max_value": 6.0},
    {"max_value": 3.5},
    {"threshold": 2.0},
    {"negative_slope": 0.3, "threshold": -1.5},
    {"negative_slope": 0.2, "max_value": 4.0, "threshold": 1.0},
])
def test_relu_options_match_keras(keras, kwargs):
    ours = activations.relu(_X, **kwargs)
    theirs = keras.activations.relu(_X, **kwargs)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs", [
    ("elu", {"alpha": 0.5}), ("leaky_relu", {"negative_slope": 0.01}), ("gelu", {"approximate": True}),
    ("celu", {"alpha": 2.0}), ("soft_shrink", {"threshold": 1.0}), ("hard_shrink", {"threshold": 1.0}),
    ("squareplus", {"b": 1.0}),
])
def test_parameters_match_keras(keras, name, kwargs):
    ours = activations.get(name)(_X, **kwargs)
    theirs = _keras_fn(keras, name)(_X, **kwargs)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)


@pytest.mark.keras
def test_threshold_matches_keras(keras):
    ours = activations.threshold(_X, 0.5, -3.0)
    theirs = keras.activations.threshold(_X, 0.5, -3.0)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-6)


def test_formulas_known_values():
    x = np.array([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0], "float32")
    np.testing.assert_allclose(activations.hard_sigmoid(x), [0.0, 0.0, 0.5, 0.75, 1.0, 1.0])
    np.testing.assert_allclose(activations.relu6(np.array([-1.0, 3.0, 9.0])), [0.0, 3.0, 6.0])
    np.testing.assert_allclose(activations.gelu(np.array([1.0])), [0.8413447], rtol=1e-6)
    np.testing.assert_allclose(activations.leaky_relu(np.array([-1.0, 2.0])), [-0.2, 2.0], rtol=1e-6)
    assert activations.softplus(np.array([1e4], "float32"))[0] == pytest.approx(1e4)


def test_sparsemax_projects_onto_the_simplex():
    x = np.array([[1.0, 0.5, 0.0], [-1.0, -2.0, -5.0], [0.3, 0.3, 0.3]], "float32")
    out = np.asarray(activations.sparsemax(x))
    np.testing.assert_allclose(out, [[0.75, 0.25, 0.0], [1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-6)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.asarray(activations.sparsemax(x.T, axis=0)), out.T, atol=1e-6)


def test_every_activation_is_jittable():
    names = sorted(activations.ALL_OBJECTS_DICT)

    def apply_all(x):
        return {name: activations.get(name)(x, *((0.5, -1.0) if name == "threshold" else ())) for name in names}

    x = jnp.asarray(_X[:, :8])
    compiled, eager = jax.jit(apply_all)(x), apply_all(x)
    for name in names:
        np.testing.assert_allclose(np.asarray(compiled[name]), np.asarray(eager[name]), rtol=1e-6, atol=1e-6,
                                   err_msg=name)


def test_accepts_variables_and_lists():
    v = Variable([[-1.0, 2.0]])
    np.testing.assert_allclose(activations.relu(v), [[0.0, 2.0]])
    np.testing.assert_allclose(activations.sigmoid([0.0]), [0.5])
    assert activations.linear(v) is v


def test_softmax_over_a_single_unit_warns():
    with pytest.warns(UserWarning, match="sigmoid"):
        out = activations.softmax(np.zeros((4, 1), "float32"))
    np.testing.assert_allclose(out, 1.0)


def test_get_resolves_names_none_and_callables():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu

    def custom(x):
        return x * 2

    assert activations.get(custom) is custom


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown activation: 'rellu'.*'relu'.*'sigmoid'"):
        activations.get("rellu")
    with pytest.raises(ValueError, match="Unknown activation"):
        activations.get(3)


def test_serialize_round_trip():
    assert activations.serialize(None) == "linear"
    for name, fn in activations.ALL_OBJECTS_DICT.items():
        assert activations.deserialize(activations.serialize(fn)) is fn
    with pytest.raises(ValueError, match="not one of strata's built-in activations"):
        activations.serialize(lambda x: x)


@pytest.mark.keras
def test_names_and_serialized_forms_match_keras(keras):
    from keras.src.activations import ALL_OBJECTS_DICT as KERAS_NAMES

    assert set(KERAS_NAMES) == set(activations.ALL_OBJECTS_DICT)
    for name in KERAS_NAMES:
        assert activations.serialize(activations.get(name)) == keras.activations.serialize(keras.activations.get(name))
    # Keras's function dict form deserializes too.
    keras_dict = {"module": "builtins", "class_name": "function", "config": "tanh", "registered_name": "function"}
    assert activations.deserialize(keras_dict) is activations.tanh
