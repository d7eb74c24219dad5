"""Element-wise maths, comparisons and reductions of ``keras.ops``, aliased to ``jax.numpy``.

Every op accepts arrays, Python numbers, nested lists and ``Variable`` objects, and works on
complex numbers wherever ``jax.numpy`` does.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from strata.ops._convert import accepts_variables, as_array, as_axis, binary, reduction, unary

# -- element-wise, one operand ---------------------------------------------------------------------
abs = unary(jnp.abs, "abs")  # noqa: A001 - Keras's name
absolute = unary(jnp.absolute, "absolute")
negative = unary(jnp.negative, "negative")
square = unary(jnp.square, "square")
sqrt = unary(jnp.sqrt, "sqrt")
rsqrt = unary(lax.rsqrt, "rsqrt")
cbrt = unary(jnp.cbrt, "cbrt")
reciprocal = unary(jnp.reciprocal, "reciprocal")
exp = unary(jnp.exp, "exp")
exp2 = unary(jnp.exp2, "exp2")
expm1 = unary(jnp.expm1, "expm1")
log = unary(jnp.log, "log")
log2 = unary(jnp.log2, "log2")
log10 = unary(jnp.log10, "log10")
log1p = unary(jnp.log1p, "log1p")
sin = unary(jnp.sin, "sin")
cos = unary(jnp.cos, "cos")
tan = unary(jnp.tan, "tan")
arcsin = unary(jnp.arcsin, "arcsin")
arccos = unary(jnp.arccos, "arccos")
arctan = unary(jnp.arctan, "arctan")
sinh = unary(jnp.sinh, "sinh")
cosh = unary(jnp.cosh, "cosh")
tanh = unary(jnp.tanh, "tanh")
arcsinh = unary(jnp.arcsinh, "arcsinh")
arccosh = unary(jnp.arccosh, "arccosh")
arctanh = unary(jnp.arctanh, "arctanh")
deg2rad = unary(jnp.deg2rad, "deg2rad")
rad2deg = unary(jnp.rad2deg, "rad2deg")
floor = unary(jnp.floor, "floor")
ceil = unary(jnp.ceil, "ceil")
trunc = unary(jnp.trunc, "trunc")
sign = unary(jnp.sign, "sign")
signbit = unary(jnp.signbit, "signbit")
real = unary(jnp.real, "real")
imag = unary(jnp.imag, "imag")
conj = unary(jnp.conj, "conj")
conjugate = unary(jnp.conjugate, "conjugate")
angle = unary(jnp.angle, "angle")
isnan = unary(jnp.isnan, "isnan")
isinf = unary(jnp.isinf, "isinf")
isfinite = unary(jnp.isfinite, "isfinite")
isreal = unary(jnp.isreal, "isreal")
logical_not = unary(jnp.logical_not, "logical_not")
erf = unary(jax.scipy.special.erf, "erf")
erfinv = unary(jax.scipy.special.erfinv, "erfinv")
sinc = unary(jnp.sinc, "sinc")

# -- element-wise, two operands --------------------------------------------------------------------
add = binary(jnp.add, "add")
subtract = binary(jnp.subtract, "subtract")
multiply = binary(jnp.multiply, "multiply")
divide = binary(jnp.true_divide, "divide")
true_divide = binary(jnp.true_divide, "true_divide")
floor_divide = binary(jnp.floor_divide, "floor_divide")
mod = binary(jnp.mod, "mod")
fmod = binary(jnp.fmod, "fmod")
power = binary(jnp.power, "power")
maximum = binary(jnp.maximum, "maximum")
minimum = binary(jnp.minimum, "minimum")
arctan2 = binary(jnp.arctan2, "arctan2")
hypot = binary(jnp.hypot, "hypot")
logaddexp = binary(jnp.logaddexp, "logaddexp")
equal = binary(jnp.equal, "equal")
not_equal = binary(jnp.not_equal, "not_equal")
greater = binary(jnp.greater, "greater")
greater_equal = binary(jnp.greater_equal, "greater_equal")
less = binary(jnp.less, "less")
less_equal = binary(jnp.less_equal, "less_equal")
logical_and = binary(jnp.logical_and, "logical_and")
logical_or = binary(jnp.logical_or, "logical_or")
logical_xor = binary(jnp.logical_xor, "logical_xor")
matmul = binary(jnp.matmul, "matmul")
dot = binary(jnp.dot, "dot")
outer = binary(jnp.outer, "outer")
inner = binary(jnp.inner, "inner")
vdot = binary(jnp.vdot, "vdot")
kron = binary(jnp.kron, "kron")


@accepts_variables
def divide_no_nan(x1, x2):
    """``x1 / x2``, with 0 wherever ``x2`` is 0."""
    x1, x2 = as_array(x1), as_array(x2)
    safe = jnp.where(x2 == 0, jnp.ones_like(x2), x2)
    quotient = jnp.true_divide(x1, safe)
    return jnp.where(x2 == 0, jnp.zeros_like(quotient), quotient)


# -- reductions ------------------------------------------------------------------------------------
sum = reduction(jnp.sum, "sum")  # noqa: A001
mean = reduction(jnp.mean, "mean")
std = reduction(jnp.std, "std")
var = reduction(jnp.var, "var")
all = reduction(jnp.all, "all")  # noqa: A001
any = reduction(jnp.any, "any")  # noqa: A001
amax = reduction(jnp.amax, "amax")
amin = reduction(jnp.amin, "amin")
argmax = reduction(jnp.argmax, "argmax")
argmin = reduction(jnp.argmin, "argmin")
median = reduction(jnp.median, "median")
logsumexp = reduction(jax.nn.logsumexp, "logsumexp")
nansum = reduction(jnp.nansum, "nansum")
nanmean = reduction(jnp.nanmean, "nanmean")
nanmax = reduction(jnp.nanmax, "nanmax")
nanmin = reduction(jnp.nanmin, "nanmin")


@accepts_variables
def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """The largest element along ``axis`` (``initial`` is a lower bound, as in NumPy)."""
    return jnp.max(as_array(x), axis=as_axis(axis), keepdims=keepdims, initial=initial)


@accepts_variables
def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """The smallest element along ``axis`` (``initial`` is an upper bound, as in NumPy)."""
    return jnp.min(as_array(x), axis=as_axis(axis), keepdims=keepdims, initial=initial)


@accepts_variables
def prod(x, axis=None, keepdims=False, dtype=None):
    """The product of the elements along ``axis``."""
    return jnp.prod(as_array(x), axis=as_axis(axis), keepdims=keepdims, dtype=dtype)


@accepts_variables
def count_nonzero(x, axis=None):
    """The number of non-zero elements along ``axis``."""
    return jnp.count_nonzero(as_array(x), axis=as_axis(axis))


@accepts_variables
def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (of the flattened array when ``axis`` is None)."""
    return jnp.cumsum(as_array(x), axis=axis, dtype=dtype)


@accepts_variables
def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis`` (of the flattened array when ``axis`` is None)."""
    return jnp.cumprod(as_array(x), axis=axis, dtype=dtype)


@accepts_variables
def average(x, axis=None, weights=None):
    """The (weighted) mean along ``axis``."""
    return jnp.average(as_array(x), axis=as_axis(axis), weights=as_array(weights))


# -- other element-wise ops with extra arguments ---------------------------------------------------
@accepts_variables
def round(x, decimals=0):  # noqa: A001
    """Round to ``decimals`` decimal places (half to even)."""
    return jnp.round(as_array(x), decimals=decimals)


@accepts_variables
def clip(x, x_min, x_max):
    """Limit the values of ``x`` to ``[x_min, x_max]``."""
    return jnp.clip(as_array(x), x_min, x_max)


@accepts_variables
def where(condition, x1=None, x2=None):
    """Pick ``x1`` where ``condition`` holds, else ``x2``; with one argument, the indices of its nonzeros."""
    if x1 is None and x2 is None:
        return jnp.nonzero(as_array(condition))
    if x1 is None or x2 is None:
        raise ValueError(
            "`where` needs both `x1` and `x2`, or neither. "
            f"Received: x1={'None' if x1 is None else 'array'}, x2={'None' if x2 is None else 'array'}"
        )
    return jnp.where(as_array(condition), as_array(x1), as_array(x2))


@accepts_variables
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities with finite numbers."""
    return jnp.nan_to_num(as_array(x), nan=nan, posinf=posinf, neginf=neginf)


@accepts_variables
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Element-wise ``abs(x1 - x2) <= atol + rtol * abs(x2)``."""
    return jnp.isclose(as_array(x1), as_array(x2), rtol=rtol, atol=atol, equal_nan=equal_nan)


@accepts_variables
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of ``x1`` is close to the matching one of ``x2``."""
    return jnp.allclose(as_array(x1), as_array(x2), rtol=rtol, atol=atol, equal_nan=equal_nan)


@accepts_variables
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, as ``jax.numpy.einsum``."""
    return jnp.einsum(subscripts, *[as_array(x) for x in operands], **kwargs)


@accepts_variables
def tensordot(x1, x2, axes=2):
    """Sum of products over the given axes."""
    return jnp.tensordot(as_array(x1), as_array(x2), axes=axes)


@accepts_variables
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal."""
    return jnp.trace(as_array(x), offset=offset, axis1=axis1, axis2=axis2)


@accepts_variables
def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    return jnp.diff(as_array(a), n=n, axis=axis)
