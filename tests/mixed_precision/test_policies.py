"""DTypePolicy, the global policy, and what a policy does to a layer (no oracle needed)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import strata
from strata import layers, mixed_precision


@pytest.mark.parametrize("name, compute, variable", [
    ("mixed_float16", "float16", "float32"), ("mixed_bfloat16", "bfloat16", "float32"),
    ("float32", "float32", "float32"), ("float64", "float64", "float64"), ("bfloat16", "bfloat16", "bfloat16"),
])
def test_policy_dtypes(name, compute, variable):
    policy = mixed_precision.DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert repr(policy) == f'<DTypePolicy "{name}">'
    assert policy == mixed_precision.Policy(name) and policy != mixed_precision.DTypePolicy("float16")
    assert mixed_precision.DTypePolicy.from_config(policy.get_config()) == policy


def test_bad_policy_names():
    with pytest.raises(ValueError, match="Cannot convert 'float17' to a mixed precision DTypePolicy"):
        mixed_precision.DTypePolicy("float17")
    with pytest.raises(TypeError, match="'name' must be a string"):
        mixed_precision.DTypePolicy(16)
    with pytest.raises(ValueError, match="Invalid `policy` argument"):
        mixed_precision.set_global_policy(3.5)
    with pytest.raises(ValueError, match="Cannot interpret `dtype` argument: a dict"):
        layers.Dense(2, dtype={"class_name": "Dense"})


def test_global_policy_applies_to_new_layers_only():
    before = layers.Dense(2)
    mixed_precision.set_global_policy("mixed_bfloat16")
    assert mixed_precision.global_policy() == mixed_precision.dtype_policy()
    assert mixed_precision.global_policy().name == "mixed_bfloat16"
    after = layers.Dense(2)
    assert before.dtype_policy.name == "float32"
    assert (after.dtype, after.compute_dtype, after.variable_dtype) == ("float32", "bfloat16", "float32")
    mixed_precision.set_dtype_policy(mixed_precision.DTypePolicy("float32"))
    assert layers.Dense(2).compute_dtype == "float32"


@pytest.mark.parametrize("dtype", ["mixed_float16", mixed_precision.DTypePolicy("mixed_float16"),
                                   {"module": "keras", "class_name": "DTypePolicy",
                                    "config": {"name": "mixed_float16"}, "registered_name": None}])
def test_per_layer_policy_float32_weights_float16_compute(dtype):
    dense = layers.Dense(3, dtype=dtype)
    out = dense(np.ones((2, 4), np.float32))
    assert dense.kernel.dtype == "float32" and dense.kernel.value.dtype == jnp.float32
    assert out.dtype == jnp.float16
    assert dense.get_config()["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                                           "config": {"name": "mixed_float16"}, "registered_name": None}
    clone = layers.Dense.from_config(dense.get_config())
    assert clone.dtype_policy == mixed_precision.DTypePolicy("mixed_float16")


def test_variables_read_in_compute_dtype_only_inside_the_layer():
    dense = layers.Dense(2, dtype="mixed_bfloat16", kernel_initializer="ones")
    dense.build((None, 2))
    seen = []
    original = dense.call
    dense.call = lambda inputs: (seen.append(dense.kernel.value.dtype), original(inputs))[1]
    dense(np.ones((1, 2), np.float32))
    assert seen == [jnp.bfloat16]
    assert dense.kernel.value.dtype == jnp.float32  # outside the call: as stored


def test_float32_output_layer_and_nested_autocast():
    mixed_precision.set_global_policy("mixed_float16")
    inputs = strata.Input((4,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    outputs = layers.Activation("softmax", dtype="float32")(layers.Dense(2)(hidden))
    model = strata.Model(inputs, outputs)
    assert inputs.dtype == "float32" and hidden.dtype == "float16" and outputs.dtype == "float32"
    assert model(np.ones((3, 4), np.float32)).dtype == jnp.float32
    assert model.predict(np.ones((3, 4), np.float32), verbose=0).dtype == np.float32
    assert all(w.dtype == "float32" for w in model.weights)


def test_integer_inputs_are_not_cast():
    embedding = layers.Embedding(5, 2, dtype="mixed_float16")
    out = embedding(np.array([[1, 2]], np.int32))
    assert out.dtype == jnp.float16 and embedding.embeddings.dtype == "float32"


def test_dtype_policy_setter():
    dense = layers.Dense(2)
    dense.dtype_policy = "mixed_bfloat16"
    assert dense.compute_dtype == "bfloat16" and dense.variable_dtype == "float32"
