"""Variable, the stateless scope, KerasTensor and naming."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import strata
from strata.core.scope import StatelessScope


def test_variable_value_assign_and_numpy():
    v = strata.Variable([1.0, 2.0], name="x")
    assert v.dtype == "float32" and v.shape == (2,) and v.name == "x" and v.path == "x" and v.trainable
    v.assign([4.0, 6.0])
    np.testing.assert_array_equal(v.numpy(), [4.0, 6.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([2.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(strata.ops.subtract(v, [3.0, 3.0]), [0.0, 2.0])
    np.testing.assert_array_equal(v * 2, [6.0, 10.0])
    assert "shape=(2,)" in repr(v)


def test_variable_from_initializer_and_errors():
    v = strata.Variable("ones", shape=(2, 3), dtype="float32", trainable=False)
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"must match its shape \(2, 3\). Received: value.shape=\(3,\)"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="`shape` is required"):
        strata.Variable(strata.initializers.Zeros())


def test_stateless_scope_reads_mapped_values_and_records_assignments():
    v = strata.Variable([1.0, 2.0])
    with StatelessScope([(v, jnp.array([10.0, 20.0]))]) as scope:
        np.testing.assert_array_equal(v.value, [10.0, 20.0])
        v.assign(v.value + 1)
    np.testing.assert_array_equal(scope.current_value(v), [11.0, 21.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_variables_created_while_tracing_are_concrete():
    created = []

    def build(x):
        created.append(strata.Variable(np.ones(3, "float32")))
        return x

    jax.eval_shape(build, jax.ShapeDtypeStruct((2,), jnp.float32))
    assert not isinstance(created[0].value, jax.core.Tracer)


def test_keras_tensor_cannot_become_an_array():
    x = strata.Input((3,))
    assert repr(x).startswith("<KerasTensor shape=(None, 3), dtype=float32")
    with pytest.raises(TypeError, match="symbolic KerasTensor cannot be converted to a NumPy array"):
        np.asarray(x)


def test_layer_names_are_unique_per_prefix_and_snake_cased():
    from strata.core.naming import to_snake_case

    assert to_snake_case("MaxPooling2D") == "max_pooling2d"
    assert to_snake_case("BatchNormalization") == "batch_normalization"
    assert to_snake_case("InputLayer") == "input_layer"
    model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1)])
    assert model.name == "sequential" and strata.Sequential().name == "sequential_1"
