"""Host buffers JAX's CPU client adopts without a copy: random initial weights are not held twice."""

import jax
import numpy as np
import pytest

from strata import initializers
from strata.core.host_buffers import ALIGNMENT, aligned_empty
from strata.core.variable import Variable


@pytest.mark.parametrize("shape, dtype", [((3, 5), "float32"), ((7,), "float64"), ((2, 3, 4), "float16"),
                                          ((1,), "int8"), ((0, 4), "float32"), ((), "float32")])
def test_aligned_empty_has_the_shape_dtype_and_alignment(shape, dtype):
    array = aligned_empty(shape, dtype)
    assert array.shape == shape and array.dtype == np.dtype(dtype) and array.flags.c_contiguous
    assert array.size == 0 or array.ctypes.data % ALIGNMENT == 0


@pytest.mark.parametrize("initializer", ["glorot_uniform", "he_normal", "lecun_normal", "random_normal",
                                         "random_uniform", "truncated_normal"])
def test_random_initial_values_are_aligned_and_adopted_by_the_variable(initializer):
    value = initializers.get(initializer)((300, 70), dtype="float32")
    assert value.ctypes.data % ALIGNMENT == 0
    if jax.default_backend() == "cpu":  # the device buffer is the drawn array itself: one copy in memory
        variable = Variable(value, dtype="float32")
        assert variable.value.unsafe_buffer_pointer() == value.ctypes.data
