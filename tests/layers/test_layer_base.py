"""The Layer contract: building, weights and their order, freezing, losses, training flag, naming."""

import jax.numpy as jnp
import numpy as np
import pytest

from strata import layers, ops
from strata.backend import clear_session
from strata.core.bridge import stateless_call


class Scale(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, inputs, training=None):
        if training:
            self.count.assign(self.count + 1.0)
        return inputs * jnp.reshape(self.w.value, (1, -1))


def test_build_on_first_call_and_weight_order():
    layer = Scale()
    assert not layer.built
    layer(np.ones((2, 3), "float32"))
    assert layer.built
    assert [v.name for v in layer.weights] == ["w", "count"]
    assert [v.path for v in layer.weights] == ["scale/w", "scale/count"]
    assert [v.name for v in layer.trainable_weights] == ["w"]
    assert [v.name for v in layer.non_trainable_weights] == ["count"]
    assert layer.count_params() == 4


def test_freezing_moves_weights_to_non_trainable():
    dense = layers.Dense(2)
    dense(np.ones((1, 3), "float32"))
    dense.trainable = False
    assert dense.trainable_weights == []
    assert [v.name for v in dense.non_trainable_weights] == ["kernel", "bias"]
    dense.trainable = True
    assert len(dense.trainable_weights) == 2


def test_get_and_set_weights_check_shapes():
    dense = layers.Dense(2)
    dense(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"weight shape \(3, 2\) is not compatible with provided weight shape"
                                         r" \(2, 2\)"):
        dense.set_weights([np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="expecting 2 weights"):
        dense.set_weights([np.zeros((3, 2))])
    dense.set_weights([np.ones((3, 2)), np.ones(2)])
    np.testing.assert_array_equal(dense(np.ones((1, 3), "float32")), [[4.0, 4.0]])


def test_count_params_needs_a_built_layer():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(2).count_params()


def test_regularizer_and_activity_losses():
    dense = layers.Dense(2, kernel_initializer="ones", kernel_regularizer="l2", activity_regularizer="l1")
    out = dense(np.ones((4, 3), "float32"))
    losses = [float(l) for l in dense.losses]
    # activity: l1 = 0.01 * sum(|out|) / batch; kernel: l2 = 0.01 * sum(w^2)
    assert losses == pytest.approx([0.01 * float(np.abs(out).sum()) / 4, 0.01 * 6.0])


def test_stateless_call_returns_new_non_trainable_values_without_mutation():
    layer = Scale()
    x = np.ones((2, 3), "float32")
    layer(x)
    outputs, new_nt = stateless_call(layer, [jnp.full((3,), 2.0)], [jnp.zeros(())], x, training=True)
    np.testing.assert_array_equal(outputs, 2 * x)
    assert float(new_nt[0]) == 1.0
    assert float(layer.count.numpy()) == 0.0


def test_training_flag_propagates_from_outer_call():
    seen = []

    class Probe(layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Probe()

        def call(self, inputs):
            return self.inner(inputs)

    Outer()(np.ones((1, 1), "float32"), training=True)
    Probe()(np.ones((1, 1), "float32"))
    assert seen[0] is True and not seen[1]


def test_auto_names_and_clear_session():
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    outer = layers.Dense(2)
    inner = layers.Dense(3)
    assert (outer.name, inner.name) == ("dense_3", "dense_4")
    clear_session()
    assert layers.Dense(1).name == "dense"


def test_custom_layer_with_ops_on_variables():
    class Linear(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")
            self.b = self.add_weight(shape=(1, 2), initializer="zeros")

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    out = Linear()(np.ones((3, 4), "float32"))
    np.testing.assert_array_equal(out, np.full((3, 2), 4.0))
