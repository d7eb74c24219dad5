"""strata.ops: Keras names and signatures, Variables, complex numbers and values against NumPy."""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata import ops
from strata.core.scope import StatelessScope
from strata.core.variable import Variable

_A = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
_B = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
_POS = np.abs(_A) + 0.5


def _public_ops():
    return sorted(
        name for name, value in vars(ops).items()
        if not name.startswith("_") and callable(value) and not inspect.ismodule(value)
    )


@pytest.mark.keras
def test_names_and_signatures_match_keras(keras):
    for name in _public_ops():
        assert hasattr(keras.ops, name), f"ops.{name} is not a keras.ops name"
        ours = [(p.name, p.default, p.kind) for p in inspect.signature(getattr(ops, name)).parameters.values()]
        theirs = [(p.name, p.default, p.kind) for p in inspect.signature(getattr(keras.ops, name)).parameters.values()
                  if p.kind is not inspect.Parameter.VAR_KEYWORD or name == "einsum"]
        assert ours == theirs, name


def test_the_course_operations_exist():
    required = (
        "convert_to_tensor convert_to_numpy cast shape matmul add subtract multiply divide negative abs "
        "square sqrt exp log power sum mean max min argmax argmin std var clip where maximum minimum equal "
        "not_equal greater greater_equal less less_equal logical_and logical_or logical_not reshape "
        "transpose expand_dims squeeze concatenate stack zeros ones zeros_like ones_like full eye arange "
        "linspace meshgrid tile repeat real imag conj sin cos tan tanh sigmoid relu softmax log_softmax "
        "one_hot dot einsum round floor ceil sign cumsum sort argsort top_k norm isnan isinf isfinite all "
        "any prod"
    ).split()
    assert not [name for name in required if not callable(getattr(ops, name, None))]


_UNARY = ["abs", "negative", "square", "exp", "sin", "cos", "tan", "tanh", "floor", "ceil", "sign",
          "isnan", "isfinite", "logical_not", "expm1", "arctan", "sinh", "cosh"]
_POSITIVE = ["sqrt", "log", "log2", "log10", "log1p", "reciprocal"]
_BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "equal", "not_equal", "greater",
           "greater_equal", "less", "less_equal", "logical_and", "logical_or", "arctan2", "hypot", "mod"]


@pytest.mark.parametrize("name", _UNARY + _POSITIVE)
def test_unary_matches_numpy(name):
    x = _POS if name in _POSITIVE else _A
    np.testing.assert_allclose(np.asarray(getattr(ops, name)(x)), getattr(np, name)(x), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", _BINARY)
def test_binary_matches_numpy(name):
    np.testing.assert_allclose(np.asarray(getattr(ops, name)(_A, _B)), getattr(np, name)(_A, _B),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "std", "var", "prod", "argmax", "argmin", "all", "any"])
@pytest.mark.parametrize("axis", [None, 0, 1, [0, 1]])
def test_reductions_match_numpy(name, axis):
    if name in ("argmax", "argmin") and isinstance(axis, list):
        return
    expected = getattr(np, name)(_A, axis=tuple(axis) if isinstance(axis, list) else axis)
    np.testing.assert_allclose(np.asarray(getattr(ops, name)(_A, axis=axis)), expected, rtol=1e-5, atol=1e-6)
    kept = getattr(ops, name)(_A, axis=axis, keepdims=True)
    assert kept.ndim == _A.ndim


def test_assorted_aliases_match_numpy():
    np.testing.assert_allclose(ops.matmul(_A, _B.T), _A @ _B.T, rtol=1e-5)
    np.testing.assert_allclose(ops.dot(_A, _B.T), _A @ _B.T, rtol=1e-5)
    np.testing.assert_allclose(ops.einsum("ij,kj->ik", _A, _B), _A @ _B.T, rtol=1e-5)
    np.testing.assert_allclose(ops.power(_POS, 1.5), _POS ** 1.5, rtol=1e-6)
    np.testing.assert_allclose(ops.clip(_A, -0.5, 0.5), np.clip(_A, -0.5, 0.5))
    np.testing.assert_allclose(ops.where(_A > 0, _A, _B), np.where(_A > 0, _A, _B))
    np.testing.assert_allclose(ops.reshape(_A, (4, 3)), _A.reshape(4, 3))
    np.testing.assert_allclose(ops.transpose(_A), _A.T)
    assert ops.expand_dims(_A, 1).shape == (3, 1, 4)
    assert ops.squeeze(np.ones((1, 3, 1)), axis=0).shape == (3, 1)
    np.testing.assert_allclose(ops.tile(_A, (2, 1)), np.tile(_A, (2, 1)))
    np.testing.assert_allclose(ops.repeat(_A, 2, axis=1), np.repeat(_A, 2, axis=1))
    np.testing.assert_allclose(ops.cumsum(_A, axis=1), np.cumsum(_A, axis=1), rtol=1e-6)
    np.testing.assert_allclose(ops.sort(_A), np.sort(_A))
    np.testing.assert_array_equal(ops.argsort(_A), np.argsort(_A))
    np.testing.assert_allclose(ops.round(np.array([1.234, 2.5]), 1), [1.2, 2.5], rtol=1e-6)
    np.testing.assert_allclose(ops.norm(_A), np.linalg.norm(_A), rtol=1e-6)
    np.testing.assert_allclose(ops.norm(_A, axis=1), np.linalg.norm(_A, axis=1), rtol=1e-6)
    values, indices = ops.top_k(np.array([1.0, 5.0, 3.0, 4.0]), 2)
    np.testing.assert_array_equal(values, [5.0, 4.0])
    np.testing.assert_array_equal(indices, [1, 3])
    np.testing.assert_allclose(ops.softmax(_A), np.exp(_A) / np.exp(_A).sum(-1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(ops.log_softmax(_A), np.log(np.asarray(ops.softmax(_A))), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.sigmoid(0.0), 0.5)
    np.testing.assert_allclose(ops.relu(_A), np.maximum(_A, 0))


def test_creation_defaults():
    assert ops.zeros((2, 3)).dtype == jnp.float32
    assert ops.ones(2).dtype == jnp.float32
    assert ops.full((2,), 3).dtype == jnp.float32
    assert ops.eye(3).dtype == jnp.float32
    assert ops.arange(4).dtype == jnp.int32
    assert ops.zeros_like(np.arange(3)).dtype == jnp.int32
    np.testing.assert_allclose(ops.linspace(0, 1, 5), np.linspace(0, 1, 5), rtol=1e-6)
    np.testing.assert_array_equal(ops.one_hot(np.array([0, 2, 5]), 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert ops.one_hot(np.array([1]), 2).dtype == jnp.float32
    assert ops.shape(np.ones((2, 5))) == (2, 5) and isinstance(ops.shape(ops.ones((2,))), tuple)
    assert ops.dtype(ops.ones(2)) == "float32" and ops.ndim(_A) == 2 and ops.size(_A) == 12
    assert isinstance(ops.convert_to_numpy(ops.ones(2)), np.ndarray)
    assert ops.cast(np.array([1.7]), "int32").dtype == jnp.int32
    grid_x, grid_y = ops.meshgrid(np.arange(3), np.arange(2))
    assert grid_x.shape == (2, 3) and grid_y.shape == (2, 3)


def test_lists_are_converted():
    np.testing.assert_allclose(ops.matmul([[3.0, 3.0]], [[2.0], [2.0]]), [[12.0]])
    np.testing.assert_allclose(ops.abs([-1.0, 2.0]), [1.0, 2.0])
    np.testing.assert_allclose(ops.sum([1, 2, 3]), 6)


def test_variables_are_read_through_their_value():
    x = Variable([1.0, 2.0])
    a = ops.convert_to_tensor([3.0, 3.0])
    np.testing.assert_allclose(ops.subtract(x, a), [-2.0, -1.0])
    x.assign([4.0, 6.0])
    np.testing.assert_allclose(ops.subtract(x, a), [1.0, 3.0])
    np.testing.assert_allclose(ops.concatenate([x, x, a]), [4, 6, 4, 6, 3, 3])
    np.testing.assert_allclose(ops.stack((x, a), axis=1), [[4, 3], [6, 3]])
    np.testing.assert_allclose(ops.where(ops.greater(x, 5), x, a), [3.0, 6.0])
    np.testing.assert_allclose(ops.clip(x, 0.0, x[0]), [4.0, 4.0])
    np.testing.assert_allclose(ops.einsum("i,i->", x, x), 52.0)
    assert isinstance(ops.convert_to_tensor(x), jax.Array)
    np.testing.assert_allclose(ops.convert_to_numpy(x), [4.0, 6.0])


def test_variables_inside_a_stateless_scope_and_jit():
    x = Variable([1.0, 2.0])

    @jax.jit
    def step(value):
        with StatelessScope([(x, value)]):
            return ops.sum(ops.square(x))

    np.testing.assert_allclose(step(jnp.array([3.0, 4.0])), 25.0)
    np.testing.assert_allclose(x.numpy(), [1.0, 2.0])


def test_complex_numbers_mandelbrot():
    real, imag = ops.meshgrid(ops.linspace(-2.0, 1.0, 30), ops.linspace(-1.2, 1.2, 20))
    grid = ops.add(ops.cast(real, "complex64"), ops.multiply(1j, ops.cast(imag, "complex64")))
    assert ops.dtype(grid) == "complex64"
    np.testing.assert_allclose(ops.real(grid), real)
    np.testing.assert_allclose(ops.imag(grid), imag)
    np.testing.assert_allclose(ops.conj(grid), np.conj(np.asarray(grid)))
    z = Variable(grid)
    counts = Variable(ops.zeros_like(real))
    for _ in range(30):
        temp = z * z + grid
        z.assign(temp)
        counts.assign_add(ops.cast(ops.less(ops.abs(temp), 4), "float32"))

    c = np.asarray(grid).astype(np.complex128)
    zz, expected = c.copy(), np.zeros(c.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(30):
            zz = zz * zz + c
            expected += np.abs(zz) < 4
    np.testing.assert_array_equal(counts.numpy(), expected)
    assert counts.numpy().max() == 30 and counts.numpy().min() < 3


def test_control_flow():
    assert int(ops.fori_loop(0, 5, lambda i, v: v + i, 0)) == 10
    total, count = ops.while_loop(lambda s, c: c < 4, lambda s, c: (s + c, c + 1), (0, 0))
    assert (int(total), int(count)) == (6, 4)
    assert int(ops.while_loop(lambda v: v < 100, lambda v: v * 2, 1)) == 128
    assert int(ops.while_loop(lambda v: v < 100, lambda v: v * 2, 1, maximum_iterations=3)) == 8
    assert float(ops.cond(True, lambda: 1.0, lambda: 2.0)) == 1.0
    np.testing.assert_allclose(ops.divide_no_nan(np.array([1.0, 2.0]), np.array([0.0, 4.0])), [0.0, 0.5])


def test_where_needs_both_branches():
    with pytest.raises(ValueError, match=r"both `x1` and `x2`, or neither. Received: x1=array, x2=None"):
        ops.where(_A > 0, _A)
    rows, cols = ops.where(np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(rows, [0, 1])


@pytest.mark.keras
def test_a_few_values_match_keras(keras):
    for name in ["gelu", "softplus", "silu", "hard_sigmoid", "log_sigmoid", "normalize", "logsumexp"]:
        np.testing.assert_allclose(np.asarray(getattr(ops, name)(_A)), np.asarray(getattr(keras.ops, name)(_A)),
                                   rtol=1e-6, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(np.asarray(ops.multi_hot(np.array([[0, 2], [1, 1]]), 3)),
                               np.asarray(keras.ops.multi_hot(np.array([[0, 2], [1, 1]]), 3)))
