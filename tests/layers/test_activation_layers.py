"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax): Keras parity, configs, files, errors.

Parity tolerance: float32, atol 1e-5 (outputs, input gradients, PReLU's alpha gradient); strata runs
with JAX rank promotion set to "raise".
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from file_roundtrip import assert_files_cross_load
from layer_harness import run_layer_test

from strata import layers
from strata.core import bridge

ATOL = 1e-5


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, train", [
    ("ReLU", {}, True),
    ("ReLU", {"max_value": 6.0}, False),
    ("ReLU", {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.5}, False),
    ("LeakyReLU", {}, True),
    ("LeakyReLU", {"negative_slope": 0.05}, False),
    ("ELU", {}, False),
    ("ELU", {"alpha": 0.5}, False),
    ("Softmax", {}, False),
    ("Softmax", {"axis": 1}, False),
    ("PReLU", {"alpha_initializer": "random_normal", "shared_axes": [1]}, True),
])
def test_activation_layer_harness(keras, name, kwargs, train):
    run_layer_test(getattr(layers, name), kwargs, (4, 3, 5), keras=keras, train=train, atol=ATOL,
                   expected_output_shape=(4, 3, 5))


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs", [
    ("ReLU", {"max_value": 1.0, "negative_slope": 0.2, "threshold": 0.3}),
    ("LeakyReLU", {}),
    ("ELU", {"alpha": 2.0}),
    ("Softmax", {"axis": [1, 2]}),
])
def test_input_gradients_match_keras(keras_oracle, name, kwargs):
    x = (np.random.RandomState(0).standard_normal((3, 4, 5)) * 2).astype("float32")
    w = np.random.RandomState(1).standard_normal((3, 4, 5)).astype("float32")
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras_oracle.layers, name)(**kwargs)
    with jax.numpy_rank_promotion("raise"):
        grad = jax.grad(lambda v: jnp.sum(ours(v) * w))(x)
        np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=ATOL)
    np.testing.assert_allclose(grad, jax.grad(lambda v: jnp.sum(theirs(v) * w))(x), atol=ATOL)


@pytest.mark.keras
@pytest.mark.parametrize("shared_axes", [None, [1, 2], 2])
def test_prelu_weights_and_gradients_match_keras(keras_oracle, shared_axes):
    rs = np.random.RandomState(0)
    x = rs.standard_normal((2, 3, 4, 2)).astype("float32")
    w = rs.standard_normal(x.shape).astype("float32")
    ours, theirs = layers.PReLU(shared_axes=shared_axes), keras_oracle.layers.PReLU(shared_axes=shared_axes)
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [v.path for v in ours.weights] == ["p_re_lu/alpha"]
    assert [(v.name, v.shape) for v in ours.weights] == [(v.name, tuple(v.shape)) for v in theirs.weights]
    alpha = rs.uniform(-0.5, 0.5, ours.alpha.shape).astype("float32")
    ours.set_weights([alpha])
    theirs.set_weights([alpha])

    def loss_ours(a, v):
        with jax.numpy_rank_promotion("raise"):
            return jnp.sum(bridge.stateless_call(ours, [a], [], v)[0] * w)

    def loss_theirs(a, v):
        with jax.numpy_rank_promotion("allow"):  # Keras's PReLU broadcasts alpha implicitly
            return jnp.sum(theirs.stateless_call([a], [], v)[0] * w)

    np.testing.assert_allclose(loss_ours(alpha, x), loss_theirs(alpha, x), atol=ATOL)
    for got, expected in zip(jax.grad(loss_ours, argnums=(0, 1))(jnp.asarray(alpha), x),
                             jax.grad(loss_theirs, argnums=(0, 1))(jnp.asarray(alpha), x)):
        np.testing.assert_allclose(got, expected, atol=ATOL)
    with jax.numpy_rank_promotion("allow"):
        np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), atol=ATOL)
    config = {k: v for k, v in ours.get_config().items() if k != "name"}
    assert config == {k: v for k, v in theirs.get_config().items() if k != "name"}


@pytest.mark.keras
@pytest.mark.parametrize("mask", [
    np.array([[True, False, True, True]]),                     # (1, T): broadcast over batch and rows
    np.array([[[1.0, 0.0, 1.0, 0.2]], [[0.0, 0.0, 0.0, 0.0]]], "float32"),  # numbers, > 0.5 kept; a row all masked
])
def test_softmax_mask_matches_keras(keras_oracle, mask):
    x = np.random.RandomState(0).standard_normal((2, 3, 4)).astype("float32")
    with jax.numpy_rank_promotion("raise"):
        ours = np.asarray(layers.Softmax()(x, mask=mask))
    with jax.numpy_rank_promotion("allow"):
        theirs = np.asarray(keras_oracle.layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(ours, theirs, atol=ATOL)
    kept = np.broadcast_to(mask > 0.5, x.shape)
    assert np.all(ours[~kept] == 0)


def test_leaky_relu_accepts_deprecated_alpha():
    with pytest.warns(UserWarning, match=r"Argument `alpha` is deprecated. Use `negative_slope` instead."):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1 and layer.get_config()["negative_slope"] == 0.1
    assert "alpha" not in layer.get_config()
    np.testing.assert_allclose(np.asarray(layer(np.array([-2.0, 3.0], "float32"))), [-0.2, 3.0], atol=ATOL)
    assert layers.LeakyReLU().negative_slope == 0.3


def test_defaults_and_names():
    assert layers.ReLU().name == "re_lu" and layers.LeakyReLU().name == "leaky_re_lu"
    assert layers.PReLU().name == "p_re_lu" and layers.ELU().name == "elu" and layers.Softmax().name == "softmax"
    assert layers.PReLU(shared_axes=1).shared_axes == [1]
    assert layers.PReLU().get_config()["alpha_initializer"]["class_name"] == "Zeros"
    prelu = layers.PReLU()
    prelu.build((None, 3, 4))
    assert prelu.alpha.shape == (3, 4) and np.all(prelu.get_weights()[0] == 0)
    prelu(np.zeros((1, 3, 4), "float32"))
    assert len(prelu.weights) == 1  # a direct build() is not repeated on the first call
    x = layers.Input(shape=(None, 4))
    assert layers.PReLU(shared_axes=[1])(x).shape == (None, None, 4)
    assert layers.Softmax()(x).shape == (None, None, 4)


def test_errors_are_clear():
    with pytest.raises(ValueError, match=r"max_value of a ReLU layer cannot be a negative value. Received: max_value=-1"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match=r"negative_slope of a ReLU layer cannot be None or a negative value. "
                                         r"Received: negative_slope=-0.1"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match=r"threshold of a ReLU layer cannot be None .*Received: threshold=None"):
        layers.ReLU(threshold=None)
    with pytest.raises(ValueError, match=r"negative_slope value of a Leaky ReLU layer cannot be None or negative "
                                         r"value. Expected a float >= 0. Received: negative_slope=-1"):
        layers.LeakyReLU(negative_slope=-1)
    with pytest.raises(ValueError, match=r"`shared_axes` must be None, an int or a list of ints >= 1 .*"
                                         r"Received: shared_axes=\[0\]"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match=r"PReLU layer 'p_re_lu_1' needs every non-shared axis .*Received: "
                                         r"input_shape=\(None, None, 4\). Share the unknown axes"):
        layers.PReLU()(layers.Input(shape=(None, 4)))
    prelu = layers.PReLU()
    prelu(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"built with alpha of shape \(3,\) .* does not fit inputs of shape \(2, 5\)"):
        prelu(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match=r"The `mask` of Softmax layer 'softmax' must be broadcastable to `inputs`.*"
                                         r"Received: inputs.shape=\(2, 4\), mask.shape=\(2, 3\)"):
        layers.Softmax()(np.zeros((2, 4), "float32"), mask=np.ones((2, 3), bool))


def _activation_model(lib):
    return lib.Sequential([
        lib.Input((6,)),
        lib.layers.Dense(5),
        lib.layers.PReLU(alpha_initializer=lib.initializers.Constant(0.25)),
        lib.layers.Dense(4),
        lib.layers.LeakyReLU(negative_slope=0.2),
        lib.layers.ReLU(max_value=3.0),
        lib.layers.ELU(alpha=0.7),
        lib.layers.Dense(3),
        lib.layers.Softmax(),
    ])


@pytest.mark.keras
def test_activation_model_files_cross_load(keras, tmp_path):
    x = np.random.RandomState(3).standard_normal((4, 6)).astype("float32")
    assert_files_cross_load(keras, tmp_path, _activation_model, x)
