"""Initializers: shapes, dtypes, distributions, seeds, host-only computation."""

from __future__ import annotations

import logging
import math

import jax
import numpy as np
import pytest

from strata import initializers
from strata.core import random as strata_random
from strata.core.variable import Variable
from strata.initializers import compute_fans

_RANDOM = [
    initializers.RandomNormal, initializers.RandomUniform, initializers.TruncatedNormal,
    initializers.VarianceScaling, initializers.GlorotUniform, initializers.GlorotNormal,
    initializers.HeUniform, initializers.HeNormal, initializers.LecunUniform, initializers.LecunNormal,
    initializers.Orthogonal,
]
_ALL = _RANDOM + [initializers.Zeros, initializers.Ones, initializers.Constant, initializers.Identity]


@pytest.mark.parametrize("cls", _ALL)
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "float16", "bfloat16"])
def test_shape_dtype_and_numpy_return(cls, dtype):
    values = cls()((7, 5), dtype=dtype)
    assert isinstance(values, np.ndarray)
    assert values.shape == (7, 5)
    assert values.dtype.name == (dtype or "float32")
    assert np.all(np.isfinite(values.astype("float32")))


def test_shapes_of_higher_rank_and_ints():
    assert initializers.GlorotUniform()((3, 3, 4, 8)).shape == (3, 3, 4, 8)
    assert initializers.Orthogonal()((3, 3, 4, 8)).shape == (3, 3, 4, 8)
    assert initializers.Zeros()(4).shape == (4,)
    assert initializers.Zeros()((2,), dtype="int32").dtype == np.int32
    assert initializers.Ones()((2,), dtype="bool").all()
    assert initializers.RandomNormal()(()).shape == ()


@pytest.mark.parametrize("cls, scale, mode", [
    (initializers.GlorotUniform, 1.0, "fan_avg"),
    (initializers.HeUniform, 2.0, "fan_in"),
    (initializers.LecunUniform, 1.0, "fan_in"),
])
@pytest.mark.parametrize("shape", [(300, 200), (3, 3, 16, 32)])
def test_uniform_limits(cls, scale, mode, shape):
    fan_in, fan_out = compute_fans(shape)
    fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    limit = math.sqrt(3 * scale / fan)
    values = cls(seed=3)(shape)
    assert values.min() >= -limit and values.max() <= limit
    assert values.max() > 0.99 * limit and values.min() < -0.99 * limit
    assert values.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)


def test_random_uniform_bounds():
    values = initializers.get("uniform")((400, 400))
    assert values.min() >= -0.05 and values.max() < 0.05
    assert values.mean() == pytest.approx(0.0, abs=1e-3)
    values = initializers.RandomUniform(2.0, 5.0, seed=1)((1000,))
    assert values.min() >= 2.0 and values.max() < 5.0


def test_normal_statistics():
    values = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=0)((500, 500))
    assert values.mean() == pytest.approx(1.0, abs=0.02)
    assert values.std() == pytest.approx(2.0, rel=0.01)
    assert np.abs(values - 1.0).max() > 4.0  # untruncated: tails beyond two stddev exist


def test_truncated_normal_is_exact_at_two_stddev():
    values = initializers.TruncatedNormal(mean=0.5, stddev=0.1, seed=0)((600, 600))
    assert np.abs(values - 0.5).max() <= 0.2 + 1e-6
    assert values.std() == pytest.approx(0.1 * 0.8796256610342398, rel=0.01)
    # Truncation by redrawing keeps the density shape: about 4.55% of mass would lie beyond 2 sigma,
    # so the fraction beyond 1 sigma is (0.3173 - 0.0455) / 0.9545.
    beyond_one = np.mean(np.abs(values - 0.5) > 0.1)
    assert beyond_one == pytest.approx((0.31731 - 0.0455) / 0.9545, abs=0.005)


@pytest.mark.parametrize("cls, scale, mode", [
    (initializers.GlorotNormal, 1.0, "fan_avg"),
    (initializers.HeNormal, 2.0, "fan_in"),
    (initializers.LecunNormal, 1.0, "fan_in"),
])
def test_variance_scaling_normals_have_the_target_std(cls, scale, mode):
    shape = (400, 600)
    fan = {"fan_in": 400, "fan_avg": 500}[mode]
    target = math.sqrt(scale / fan)
    values = cls(seed=1)(shape)
    assert values.std() == pytest.approx(target, rel=0.01)
    assert np.abs(values).max() <= 2 * target / 0.8796256610342398 + 1e-6


def test_untruncated_variance_scaling():
    values = initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal", seed=2)((100, 800))
    assert values.std() == pytest.approx(math.sqrt(2.0 / 800), rel=0.01)
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"


def test_explicit_fan_axes():
    init = initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform",
                                        input_axes=[0], output_axes=[1, 2], seed=0)
    values = init((50, 4, 5))
    assert np.abs(values).max() <= math.sqrt(3 / 50)
    assert compute_fans((50, 4, 5), [0], [1, 2]) == (50, 20)


@pytest.mark.keras
@pytest.mark.parametrize("shape", [(), (5,), (4, 6), (3, 3, 4, 8), (2, 5, 7)])
def test_fans_match_keras(keras, shape):
    from keras.src.initializers.random_initializers import compute_fans as keras_fans

    assert compute_fans(shape) == keras_fans(shape)


@pytest.mark.parametrize("shape", [(60, 20), (20, 60), (3, 3, 4, 8), (16, 16)])
def test_orthogonal(shape):
    values = initializers.Orthogonal(gain=2.0, seed=5)(shape, dtype="float64")
    flat = values.reshape(-1, shape[-1])
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-10)


def test_identity_and_constants():
    np.testing.assert_array_equal(initializers.Identity(gain=3.0)((2, 3)), [[3, 0, 0], [0, 3, 0]])
    np.testing.assert_array_equal(initializers.get("identity")((2, 2)), np.eye(2))
    np.testing.assert_array_equal(initializers.Constant(7)((2, 2), dtype="int32"), np.full((2, 2), 7))
    np.testing.assert_array_equal(initializers.Constant([1.0, 2.0])((2, 2)), [[1, 2], [1, 2]])
    assert not initializers.Zeros()((3,)).any()
    assert initializers.Ones()((3,)).all()


def test_seeded_calls_repeat_exactly():
    init = initializers.GlorotUniform(seed=42)
    first, second = init((8, 4)), init((8, 4))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, initializers.GlorotUniform(seed=42)((8, 4)))
    assert not np.array_equal(first, initializers.GlorotUniform(seed=43)((8, 4)))


@pytest.mark.parametrize("cls", _RANDOM)
def test_unseeded_calls_follow_the_root_stream(cls):
    strata_random.set_global_seed(123)
    init = cls()
    first, second = init((6, 4)), init((6, 4))
    assert not np.array_equal(first, second)  # fresh values on every unseeded call
    strata_random.set_global_seed(123)
    again = cls()
    np.testing.assert_array_equal(again((6, 4)), first)
    np.testing.assert_array_equal(again((6, 4)), second)
    strata_random.set_global_seed(124)
    assert not np.array_equal(cls()((6, 4)), first)


def test_no_jax_compilation(caplog):
    jax.config.update("jax_log_compiles", True)
    try:
        with caplog.at_level(logging.DEBUG):
            jax.jit(lambda x: x * 3 + 1)(np.ones(3, "float32"))  # control: this does compile
        assert any("ompil" in record.getMessage() for record in caplog.records)
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            for cls in _ALL:
                for shape in [(17, 13), (3, 3, 5, 7)]:
                    if cls is initializers.Identity and len(shape) != 2:
                        continue
                    assert isinstance(cls()(shape), np.ndarray)
        assert not [r for r in caplog.records if "ompil" in r.getMessage()]
    finally:
        jax.config.update("jax_log_compiles", False)


def test_variable_from_initializer_name():
    variable = Variable("glorot_uniform", shape=(4, 3))
    assert variable.shape == (4, 3) and variable.dtype == "float32"
    assert np.abs(variable.numpy()).max() <= math.sqrt(6 / 7)


@pytest.mark.parametrize("make, message", [
    (lambda: initializers.RandomNormal(seed="1"), r"`seed` must be an int or None. Received: seed='1'"),
    (lambda: initializers.RandomNormal(seed=1.5), r"Received: seed=1.5"),
    (lambda: initializers.VarianceScaling(scale=0.0), r"`scale` must be a positive float. Received: scale=0.0"),
    (lambda: initializers.VarianceScaling(mode="fan"), r"`mode` must be one of .* Received: mode='fan'"),
    (lambda: initializers.VarianceScaling(distribution="gamma"), r"Received: distribution='gamma'"),
    (lambda: initializers.RandomUniform()((2,), dtype="int32"), r"float dtype .* Received: dtype='int32'"),
    (lambda: initializers.Orthogonal()((4,)), r"rank 2 or more. Received: shape=\(4,\) of rank 1"),
    (lambda: initializers.Identity()((2, 2, 2)), r"only makes 2-D matrices. Received: shape=\(2, 2, 2\)"),
    (lambda: initializers.Zeros()((2, -1)), r"non-negative ints. Received: shape=\(2, -1\)"),
])
def test_errors_name_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()
