"""Identity: returns its inputs (any structure) unchanged."""

import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers


@pytest.mark.keras
def test_identity(keras):
    run_layer_test(layers.Identity, {}, (4, 3), keras=keras, expected_output_shape=(4, 3))


def test_identity_keeps_structure_and_dtype():
    x = np.arange(6, dtype="int32").reshape(2, 3)
    out = layers.Identity()({"a": x, "b": [x]})
    np.testing.assert_array_equal(np.asarray(out["b"][0]), x)
    ints = layers.Input(shape=(3,), dtype="int32")
    symbolic = layers.Identity()(ints)
    assert symbolic.dtype == "int32" and symbolic.shape == (None, 3) and symbolic is not ints
