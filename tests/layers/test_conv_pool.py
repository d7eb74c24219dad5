"""A convolution and the pooling after it run fused, block by block, with the layers' own numbers.

``conv_pool`` computes ``pool(conv(x))`` one cache-sized block at a time on the CPU so the
convolution's output is never whole in memory.  These tests shrink the block sizes so small models
take the fused path, check that it was taken (or refused, where something else could see the
convolution's output), and compare outputs, gradients and a short ``fit`` with the layers run one
by one.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import strata
from strata import layers
from strata.layers.convolutional import conv_pool, patch_convolution

RNG = np.random.default_rng(3)


@pytest.fixture
def fused_calls(monkeypatch):
    """Small blocks, and a list of whether each fused attempt ran fused (``True``) or fell back."""
    monkeypatch.setattr(patch_convolution, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(patch_convolution, "WHOLE_BYTES", 2048)
    calls: list[bool] = []
    real = conv_pool.conv_then_pool

    def spy(conv, pool, x):
        result = real(conv, pool, x)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(conv_pool, "conv_then_pool", spy)
    return calls


def layer_by_layer(model, x):
    """The model's layers called one after the other (no fusion)."""
    h = jnp.asarray(x)
    for layer in model.layers:
        h = layer(h)
    return h


STACKS = {
    # conv -> max pool, twice; rows that do not fill a window (21 -> 19 -> 9 rows), strides, dilation
    "max": lambda: [layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(2),
                    layers.Conv2D(5, 3, padding="same", dilation_rate=2, activation="tanh"),
                    layers.MaxPooling2D((3, 2))],
    "average": lambda: [layers.Conv2D(4, 3, strides=2, padding="same"), layers.AveragePooling2D(2)],
    "1d": lambda: [layers.Conv1D(6, 5, padding="causal", activation="relu"), layers.MaxPooling1D(4)],
    "3d": lambda: [layers.Conv3D(3, 2, activation="relu"), layers.MaxPooling3D(2)],
}
SHAPES = {"max": (3, 21, 17, 2), "average": (2, 23, 18, 3), "1d": (2, 90, 3), "3d": (2, 9, 8, 7, 2)}


@pytest.mark.parametrize("stack", sorted(STACKS))
@pytest.mark.parametrize("api", ["sequential", "functional"])
def test_fused_equals_layer_by_layer_with_gradients(fused_calls, stack, api):
    x = RNG.standard_normal(SHAPES[stack]).astype("float32")
    strata.utils.set_random_seed(0)
    stack_layers = STACKS[stack]() + [layers.Flatten(), layers.Dense(2)]
    if api == "sequential":
        model = strata.Sequential([strata.Input(x.shape[1:])] + stack_layers)
    else:
        inputs = h = strata.Input(x.shape[1:])
        for layer in stack_layers:
            h = layer(h)
        model = strata.Model(inputs, h)
    fused = model(x)
    assert fused_calls and all(fused_calls)  # every convolution ran fused with its pooling
    np.testing.assert_allclose(fused, layer_by_layer(model, x), rtol=1e-6, atol=1e-6)

    weights = [v.value for v in model.trainable_variables]
    with_fusion = jax.grad(lambda w: jnp.sum(model.stateless_call(w, [], x)[0] ** 2))(weights)
    without = jax.grad(lambda w: jnp.sum(_unfused_stateless(model, w, x) ** 2))(weights)
    for a, b in zip(with_fusion, without):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def _unfused_stateless(model, weights, x):
    with _fusion_off():
        return model.stateless_call(weights, [], x)[0]


class _fusion_off:
    """Turn the fusion off (``fusible`` always false) inside the block."""

    def __enter__(self):
        self.saved = conv_pool.fusible
        conv_pool.fusible = lambda conv, pool: False

    def __exit__(self, *exc):
        conv_pool.fusible = self.saved


def test_a_short_fit_trains_the_same_fused_or_not(fused_calls):
    x = RNG.standard_normal((16, 20, 20, 3)).astype("float32")
    y = (RNG.random(16) > 0.5).astype("float32")

    def train():
        strata.utils.set_random_seed(7)
        model = strata.Sequential([strata.Input((20, 20, 3)), layers.Conv2D(4, 3, activation="relu"),
                                   layers.MaxPooling2D(2), layers.Flatten(), layers.Dropout(0.3),
                                   layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return history.history, model.get_weights()

    fused_history, fused_weights = train()
    assert fused_calls and all(fused_calls)
    with _fusion_off():
        history, weights = train()
    np.testing.assert_allclose(fused_history["loss"], history["loss"], rtol=1e-5)
    for a, b in zip(fused_weights, weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_not_fused_where_the_convolution_output_is_seen_elsewhere(fused_calls):
    x = RNG.standard_normal((2, 16, 16, 3)).astype("float32")
    inputs = strata.Input((16, 16, 3))
    conv = layers.Conv2D(4, 3)(inputs)
    pooled = layers.MaxPooling2D(2)(conv)
    both = strata.Model(inputs, [pooled, conv])  # the convolution is also an output
    two_readers = strata.Model(inputs, layers.Add()([layers.MaxPooling2D(2)(conv), layers.MaxPooling2D(2)(conv)]))
    for model in (both, two_readers):
        model(x)
    assert fused_calls == []


@pytest.mark.parametrize("conv, pool", [
    (layers.Conv2D(4, 3, activity_regularizer="l2"), layers.MaxPooling2D(2)),  # the penalty needs the output
    (layers.Conv2D(4, 3), layers.MaxPooling2D(2, strides=1)),  # overlapping windows
    (layers.Conv2D(4, 3), layers.MaxPooling2D(2, padding="same")),
    (layers.Conv2D(4, 3, groups=1, data_format="channels_first"), layers.MaxPooling2D(2, data_format="channels_first")),
    (layers.Conv2D(4, 3, groups=2), layers.MaxPooling2D(2)),
    (layers.DepthwiseConv2D(3), layers.MaxPooling2D(2)),
    (type("Standardized", (layers.Conv2D,), {  # a subclass's own convolution (weight standardization)
        "convolution_op": lambda self, x, k: layers.Conv2D.convolution_op(self, x, k / jnp.std(k))})(4, 3),
     layers.MaxPooling2D(2)),
])
def test_pairs_that_run_layer_by_layer(conv, pool):
    shape = (2, 16, 16, 4)
    conv.build(shape)
    assert not conv_pool.fusible(conv, pool)


def test_inputs_it_does_not_fuse_fall_back(fused_calls):
    conv, pool = layers.Conv2D(4, 3), layers.MaxPooling2D(2)
    conv.build((2, 16, 16, 3))
    assert conv_pool.fusible(conv, pool)
    x = jnp.asarray(RNG.standard_normal((2, 16, 16, 3)))
    assert conv_pool.conv_then_pool(conv, pool, x.astype("bfloat16")) is None  # not the layer's dtype
    assert conv_pool.conv_then_pool(conv, pool, np.asarray(x)) is None  # NumPy: the layer converts it
    assert conv_pool.conv_then_pool(conv, pool, x[:1, :4, :4]) is None  # small enough to build whole


def test_errors_are_the_layers_own(fused_calls):
    model = strata.Sequential([strata.Input((None, None, 3)), layers.Conv2D(4, 5), layers.MaxPooling2D(2)])
    with pytest.raises(ValueError, match="Conv2D"):
        model(jnp.zeros((1, 3, 3, 3)))


def test_a_layer_changed_after_the_first_call_is_judged_as_it_is_now(fused_calls):
    x = RNG.standard_normal((2, 16, 16, 3)).astype("float32")
    inputs = strata.Input((16, 16, 3))
    conv = layers.Conv2D(4, 3, activation="relu")
    model = strata.Model(inputs, layers.MaxPooling2D(2)(conv(inputs)))
    model(x)
    assert fused_calls == [True]
    conv.activity_regularizer = strata.regularizers.L2(0.1)  # the penalty needs the whole output now
    model(x)
    assert fused_calls == [True]  # ran layer by layer
    assert len(model.losses) == 1 and float(model.losses[0]) > 0
