"""strata's CPU lowerings of convolution and pooling equal XLA's own ops (and so Keras's).

Convolutions on the CPU run as one matrix product over strided-slice patches, and pooling over
windows that tile the input as reshapes (``conv_kernels``, ``tiled_pooling``); the training step
then runs one dispatch per step (``programs.steps_in_loops_are_slow``).  These tests pin the
numbers against ``lax.conv_general_dilated`` / ``lax.reduce_window`` directly.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conv_reference import xla_conv
from jax import lax

import strata
from strata.layers.convolutional import conv_kernels
from strata.layers.pooling import tiled_pooling
from strata.training.programs import get_programs

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape, kernel, strides, padding, dilation", [
    ((2, 9, 3), (3, 3, 4), (1,), "causal", (2,)),
    ((2, 11, 3), (4, 3, 2), (2,), "same", (1,)),
    ((2, 8, 9, 3), (3, 3, 3, 5), (1, 1), "valid", (1, 1)),
    ((2, 8, 9, 3), (3, 2, 3, 5), (2, 2), "same", (1, 1)),
    ((2, 10, 9, 2), (3, 3, 2, 4), (1, 1), "same", (2, 2)),
    ((2, 7, 8, 3), (1, 1, 3, 6), (1, 1), "valid", (1, 1)),
    ((1, 5, 6, 7, 2), (2, 3, 2, 2, 3), (1, 2, 1), "same", (1, 1, 1)),
])
def test_patch_matrix_convolution_equals_xla_with_gradients(shape, kernel, strides, padding, dilation):
    """Forward and both gradients within float32 rounding (atol 1e-5; a different summation order)."""
    x = RNG.standard_normal(shape).astype("float32")
    k = RNG.standard_normal(kernel).astype("float32")
    assert conv_kernels.uses_patches(jnp.asarray(x))

    def ours(x, k):
        return conv_kernels.convolve(x, k, strides=strides, padding=padding, dilation=dilation,
                                     data_format="channels_last")

    expected = xla_conv(x, k, strides, padding, dilation)
    np.testing.assert_allclose(ours(x, k), expected, atol=1e-5, rtol=1e-5)
    probe = RNG.standard_normal(expected.shape).astype("float32")
    grads = jax.grad(lambda x, k: jnp.sum(ours(x, k) * probe), argnums=(0, 1))(x, k)
    reference = jax.grad(lambda x, k: jnp.sum(xla_conv(x, k, strides, padding, dilation) * probe),
                         argnums=(0, 1))(x, k)
    for a, b in zip(grads, reference):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-5)


def test_symbolic_batches_keep_xla_lowering():
    k = jnp.ones((3, 3, 3, 4))
    batch = jax.export.symbolic_shape("b")[0]
    assert not conv_kernels.uses_patches(jax.ShapeDtypeStruct((batch, 8, 8, 3), jnp.float32))
    out = jax.eval_shape(lambda x: conv_kernels.convolve(x, k, strides=(1, 1), padding="valid", dilation=(1, 1),
                                                         data_format="channels_last"),
                         jax.ShapeDtypeStruct((batch, 8, 8, 3), jnp.float32))
    assert out.shape[1:] == (6, 6, 4)


@pytest.mark.parametrize("shape, pool, axes", [
    ((2, 7, 9, 3), (2, 2), (1, 2)),  # odd sizes: the remainder row/column is dropped, as "valid" does
    ((2, 3, 8, 6), (2, 3), (2, 3)),  # channels first
    ((2, 9, 4), (3,), (1,)),
    ((1, 4, 6, 5, 2), (2, 2, 2), (1, 2, 3)),
])
def test_tiled_max_pooling_equals_reduce_window_bit_for_bit_with_ties(shape, pool, axes):
    x = RNG.standard_normal(shape).astype("float32")
    x[0] = np.round(x[0])  # many tied maxima: the gradient goes to the first, as XLA's
    window = [1] * len(shape)
    for a, p in zip(axes, pool):
        window[a] = p

    def reference(x):
        return lax.reduce_window(x, -jnp.inf, lax.max, tuple(window), tuple(window), "VALID")

    def ours(x):
        return tiled_pooling.max_pool(x, pool, axes)

    np.testing.assert_array_equal(ours(x), reference(x))
    g = RNG.standard_normal(reference(x).shape).astype("float32")
    np.testing.assert_array_equal(jax.vjp(ours, x)[1](g)[0], jax.vjp(reference, x)[1](g)[0])
    mean = lax.reduce_window(x, 0.0, lax.add, tuple(window), tuple(window), "VALID") / np.prod(pool)
    np.testing.assert_allclose(tiled_pooling.average_pool(x, pool, axes), mean, rtol=1e-6, atol=1e-6)


def _cnn():
    layers = strata.layers
    model = strata.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_convolution_models_train_one_step_per_dispatch_on_cpu_and_equal_the_streamed_fit():
    x = RNG.standard_normal((50, 8, 8, 1)).astype("float32")
    y = RNG.integers(0, 3, 50)
    strata.utils.set_random_seed(4)
    arrays = _cnn()
    history = arrays.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                         validation_data=(x[:20], y[:20])).history
    programs = get_programs(arrays, arrays._compile_loss, arrays._compile_metrics, arrays.optimizer)
    assert programs.per_step == (jax.default_backend() == "cpu")
    strata.utils.set_random_seed(4)
    streamed = _cnn()
    batches = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 50, 16)]

    class Batches(strata.utils.PyDataset):
        def __init__(self, data):
            super().__init__()
            self.data = data

        def __len__(self):
            return len(self.data)

        def __getitem__(self, index):
            return self.data[index]

    streamed_history = streamed.fit(Batches(batches), epochs=2, shuffle=False, verbose=0,
                                    validation_data=Batches([(x[:16], y[:16]), (x[16:20], y[16:20])])).history
    assert streamed_history == history
    for a, b in zip(arrays.get_weights(), streamed.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_dense_models_keep_looped_steps():
    model = strata.Sequential([strata.layers.Input((3,)), strata.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    assert not get_programs(model, model._compile_loss, model._compile_metrics, model.optimizer).per_step
