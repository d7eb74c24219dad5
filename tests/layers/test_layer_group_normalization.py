"""LayerNormalization, GroupNormalization, UnitNormalization and RMSNormalization against real Keras."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers
from strata.core import bridge

ATOL = 1e-5


def _copied_pair(keras, name, kwargs, x, rs):
    """The same layer in both libraries, built on ``x`` with the same random weights."""
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    ours.build(x.shape)
    theirs.build(x.shape)
    weights = [rs.standard_normal(w.shape).astype("float32") for w in ours.weights]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    return ours, theirs


def _assert_same_outputs_and_gradients(ours, theirs, x, rs):
    """Outputs, d(output)/d(input) and d(output)/d(weights) agree with Keras's stateless call."""
    probe = rs.standard_normal(x.shape).astype("float32")

    def loss(call, layer):
        def fn(params, x):
            out, _ = call(params, [v.value for v in layer.non_trainable_variables], x)
            return jnp.sum(out * probe)
        return fn

    params = [v.value for v in ours.trainable_variables]
    ours_fn = loss(lambda p, n, x: bridge.stateless_call(ours, p, n, x), ours)
    keras_fn = loss(theirs.stateless_call, theirs)
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=ATOL)
    ours_grads = jax.jit(jax.grad(ours_fn, argnums=(0, 1)))(params, x)
    keras_grads = jax.jit(jax.grad(keras_fn, argnums=(0, 1)))(params, x)
    for a, b in zip(jax.tree_util.tree_leaves(ours_grads), jax.tree_util.tree_leaves(keras_grads)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=ATOL)


# -- LayerNormalization ------------------------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [{}, {"axis": [1, 2]}, {"axis": (-2, -1), "center": False, "epsilon": 1e-5},
                                    {"scale": False, "beta_regularizer": "l2"}])
def test_layer_normalization_harness(keras, kwargs):
    run_layer_test(layers.LayerNormalization, kwargs, (4, 3, 5), keras=keras, atol=ATOL, train=not kwargs)


@pytest.mark.keras
@pytest.mark.parametrize("axis", [-1, [1, 2], [1]])
def test_layer_normalization_values_and_gradients(keras, axis):
    rs = np.random.RandomState(0)
    x = (rs.standard_normal((2, 3, 4)) * 2 + 3).astype("float32")
    ours, theirs = _copied_pair(keras, "LayerNormalization", {"axis": axis}, x, rs)
    assert ours.gamma.shape == theirs.gamma.shape
    assert ours.get_config()["axis"] == theirs.get_config()["axis"]
    _assert_same_outputs_and_gradients(ours, theirs, x, rs)


def test_layer_normalization_config_axis_and_errors():
    layer = layers.LayerNormalization()
    assert layer.get_config()["axis"] == -1  # an int until built, a sorted list after
    layer(np.ones((2, 3), "float32"))
    assert layer.get_config()["axis"] == [-1]
    layer = layers.LayerNormalization(axis=(2, 1))
    assert layer.get_config()["axis"] == [2, 1]
    layer(np.ones((2, 3, 4), "float32"))
    assert layer.get_config()["axis"] == [1, 2] and layer.gamma.shape == (3, 4)
    with pytest.raises(TypeError, match=r"`axis` to be an int or a list/tuple of ints. Received: axis='last'"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(ValueError, match=r"Axis 3 is out of bounds for input shape \(2, 3\)"):
        layers.LayerNormalization(axis=3)(np.ones((2, 3), "float32"))


@pytest.mark.keras
def test_layer_normalization_deprecated_rms_scaling(keras):
    rs = np.random.RandomState(1)
    x = rs.standard_normal((3, 4)).astype("float32")
    with pytest.warns(UserWarning, match="`rms_scaling=True` is deprecated"):
        ours = layers.LayerNormalization(rms_scaling=True)
    theirs = keras.layers.LayerNormalization(rms_scaling=True)
    ours.build(x.shape)
    assert [w.name for w in ours.weights] == ["gamma"]
    assert ours.get_config()["rms_scaling"] is True
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=ATOL)


# -- GroupNormalization ------------------------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("groups", [1, 2, -1])
def test_group_normalization_harness(keras, groups):
    run_layer_test(layers.GroupNormalization, {"groups": groups}, (3, 5, 4), keras=keras, atol=ATOL,
                   train=groups == 2)


@pytest.mark.keras
@pytest.mark.parametrize("groups,axis,shape", [(1, -1, (2, 3, 4)), (2, -1, (2, 3, 3, 4)), (-1, -1, (2, 3, 4)),
                                               (2, 1, (2, 4, 3, 3))])
def test_group_normalization_values_and_gradients(keras, groups, axis, shape):
    rs = np.random.RandomState(2)
    x = (rs.standard_normal(shape) * 2 - 1).astype("float32")
    ours, theirs = _copied_pair(keras, "GroupNormalization", {"groups": groups, "axis": axis}, x, rs)
    assert ours.get_config() == {**theirs.get_config(), "name": ours.name}
    _assert_same_outputs_and_gradients(ours, theirs, x, rs)


def test_group_normalization_instance_mode_and_single_group_formulas():
    x = np.random.RandomState(3).standard_normal((2, 5, 4)).astype("float32")
    instance = np.asarray(layers.GroupNormalization(groups=-1)(x))
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(instance, expected, atol=ATOL)
    whole = np.asarray(layers.GroupNormalization(groups=1)(x))
    expected = (x - x.mean((1, 2), keepdims=True)) / np.sqrt(x.var((1, 2), keepdims=True) + 1e-3)
    np.testing.assert_allclose(whole, expected, atol=ATOL)


def test_group_normalization_errors():
    with pytest.raises(ValueError, match=r"^Number of groups \(32\) cannot be more than the number of channels \(16\)\."):
        layers.GroupNormalization()(np.ones((2, 16), "float32"))
    with pytest.raises(ValueError, match=r"^Number of groups \(3\) must be a multiple of the number of channels \(4\)\."):
        layers.GroupNormalization(groups=3)(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"argument `groups`.*Received: groups=0"):
        layers.GroupNormalization(groups=0)


# -- UnitNormalization and RMSNormalization ----------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [{}, {"axis": [1, 2]}])
def test_unit_normalization(keras, kwargs):
    run_layer_test(layers.UnitNormalization, kwargs, (3, 2, 4), keras=keras, atol=ATOL, train=False,
                   expected_num_weights=0)
    x = np.random.RandomState(4).standard_normal((3, 2, 4)).astype("float32")
    y = np.asarray(layers.UnitNormalization(**kwargs)(x))
    np.testing.assert_allclose(np.sum(y ** 2, axis=tuple(kwargs.get("axis", [-1]))), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(layers.UnitNormalization()(np.zeros((1, 3), "float32"))), 0.0)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [{}, {"axis": [1, 2], "epsilon": 1e-3}])
def test_rms_normalization(keras, kwargs):
    run_layer_test(layers.RMSNormalization, kwargs, (3, 2, 4), keras=keras, atol=ATOL, expected_num_weights=1,
                   train=not kwargs)
    rs = np.random.RandomState(5)
    x = rs.standard_normal((3, 2, 4)).astype("float32")
    ours, theirs = _copied_pair(keras, "RMSNormalization", kwargs, x, rs)
    assert [w.name for w in ours.weights] == ["scale"]
    _assert_same_outputs_and_gradients(ours, theirs, x, rs)
