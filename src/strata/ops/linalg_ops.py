"""Linear-algebra ops of ``keras.ops`` over ``jax.numpy.linalg``."""

from __future__ import annotations

import jax.numpy as jnp

from strata.ops._convert import accepts_variables, as_array, as_axis, unary

inv = unary(jnp.linalg.inv, "inv")
det = unary(jnp.linalg.det, "det")
eigh = unary(jnp.linalg.eigh, "eigh")
eig = unary(jnp.linalg.eig, "eig")
slogdet = unary(jnp.linalg.slogdet, "slogdet")


@accepts_variables
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras's name
    """Vector or matrix norm (as ``numpy.linalg.norm``)."""
    x = jnp.asarray(as_array(x))
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype("float32")
    return jnp.linalg.norm(x, ord=ord, axis=as_axis(axis), keepdims=keepdims)


@accepts_variables
def solve(a, b):
    """The solution ``x`` of ``a @ x = b``."""
    return jnp.linalg.solve(as_array(a), as_array(b))


@accepts_variables
def qr(x, mode="reduced"):
    """QR decomposition ``(q, r)``."""
    return jnp.linalg.qr(as_array(x), mode=mode)


@accepts_variables
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition."""
    return jnp.linalg.svd(as_array(x), full_matrices=full_matrices, compute_uv=compute_uv)


@accepts_variables
def cholesky(x, upper=False):
    """Cholesky factor (lower triangular unless ``upper=True``)."""
    factor = jnp.linalg.cholesky(as_array(x))
    return jnp.swapaxes(factor, -1, -2).conj() if upper else factor


@accepts_variables
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse."""
    return jnp.linalg.pinv(as_array(x), rtol=rcond)


@accepts_variables
def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b``."""
    return jnp.linalg.lstsq(as_array(a), as_array(b), rcond=rcond)[0]


@accepts_variables
def matrix_rank(x, tol=None):
    """Rank of a matrix: the number of singular values above ``tol`` (NumPy's default when None)."""
    x = as_array(x)
    if tol is None:
        return jnp.linalg.matrix_rank(x)
    singular = jnp.linalg.svd(x, compute_uv=False)
    return jnp.sum(singular > tol, axis=-1)
