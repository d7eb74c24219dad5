"""Array creation, shape manipulation, indexing and sorting ops of ``keras.ops`` over ``jax.numpy``.

Creation ops default to ``strata.config.floatx()`` when no dtype is given, as Keras's do.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from strata import config
from strata.ops._convert import accepts_variables, as_array, as_axis


def _float_default(dtype):
    return dtype if dtype is not None else config.floatx()


# -- creation --------------------------------------------------------------------------------------
def zeros(shape, dtype=None):
    """An array of zeros (``floatx`` by default)."""
    return jnp.zeros(shape, dtype=_float_default(dtype))


def ones(shape, dtype=None):
    """An array of ones (``floatx`` by default)."""
    return jnp.ones(shape, dtype=_float_default(dtype))


def empty(shape, dtype=None):
    """An array of the given shape (filled with zeros)."""
    return jnp.zeros(shape, dtype=_float_default(dtype))


@accepts_variables
def full(shape, fill_value, dtype=None):
    """An array filled with ``fill_value`` (``floatx`` by default)."""
    return jnp.full(shape, fill_value, dtype=_float_default(dtype))


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras's names
    """A 2-D array with ones on the ``k``-th diagonal."""
    return jnp.eye(N, M, k=k, dtype=_float_default(dtype))


def identity(n, dtype=None):
    """The ``n x n`` identity matrix."""
    return jnp.identity(n, dtype=_float_default(dtype))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    """Ones at and below the ``k``-th diagonal, zeros elsewhere."""
    return jnp.tri(N, M, k=k, dtype=_float_default(dtype))


@accepts_variables
def zeros_like(x, dtype=None):
    """Zeros with the shape (and by default the dtype) of ``x``."""
    return jnp.zeros_like(as_array(x), dtype=dtype)


@accepts_variables
def ones_like(x, dtype=None):
    """Ones with the shape (and by default the dtype) of ``x``."""
    return jnp.ones_like(as_array(x), dtype=dtype)


@accepts_variables
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with the shape (and by default the dtype) of ``x``."""
    return jnp.full_like(as_array(x), fill_value, dtype=dtype)


@accepts_variables
def empty_like(x, dtype=None):
    """An array with the shape of ``x`` (filled with zeros)."""
    return jnp.zeros_like(as_array(x), dtype=dtype)


@accepts_variables
def array(x, dtype=None):
    """A new array holding ``x``."""
    return jnp.array(x, dtype=dtype)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` with one argument)."""
    return jnp.arange(start, stop, step, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    return jnp.linspace(start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``num`` values evenly spaced on a log scale from ``base**start`` to ``base**stop``."""
    return jnp.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


@accepts_variables
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors (``"xy"`` or ``"ij"`` indexing)."""
    return jnp.meshgrid(*[as_array(v) for v in x], indexing=indexing)


# -- shape manipulation ----------------------------------------------------------------------------
@accepts_variables
def reshape(x, newshape):
    """``x`` with a new shape (one entry may be -1)."""
    return jnp.reshape(as_array(x), newshape)


@accepts_variables
def transpose(x, axes=None):
    """Permute the axes (reverse them when ``axes`` is None)."""
    return jnp.transpose(as_array(x), axes)


@accepts_variables
def expand_dims(x, axis):
    """Insert a length-1 axis at ``axis``."""
    return jnp.expand_dims(as_array(x), as_axis(axis))


@accepts_variables
def squeeze(x, axis=None):
    """Remove length-1 axes (all of them when ``axis`` is None)."""
    return jnp.squeeze(as_array(x), as_axis(axis))


@accepts_variables
def ravel(x):
    """The flattened array."""
    return jnp.ravel(as_array(x))


@accepts_variables
def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape``."""
    return jnp.broadcast_to(as_array(x), shape)


@accepts_variables
def concatenate(xs, axis=0):
    """Join a sequence of arrays along an existing axis."""
    return jnp.concatenate([as_array(x) for x in xs], axis=axis)


@accepts_variables
def stack(x, axis=0):
    """Join a sequence of arrays along a new axis."""
    return jnp.stack([as_array(item) for item in x], axis=axis)


@accepts_variables
def hstack(xs):
    """Stack arrays column-wise."""
    return jnp.hstack([as_array(x) for x in xs])


@accepts_variables
def vstack(xs):
    """Stack arrays row-wise."""
    return jnp.vstack([as_array(x) for x in xs])


@accepts_variables
def unstack(x, num=None, axis=0):
    """Split ``x`` into a list of arrays along ``axis``."""
    x = as_array(x)
    return [jnp.squeeze(part, axis) for part in jnp.split(x, x.shape[axis], axis=axis)]


@accepts_variables
def split(x, indices_or_sections, axis=0):
    """Split ``x`` into sub-arrays along ``axis``."""
    return jnp.split(as_array(x), indices_or_sections, axis=axis)


@accepts_variables
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` (both flattened when ``axis`` is None)."""
    return jnp.append(as_array(x1), as_array(x2), axis=axis)


@accepts_variables
def tile(x, repeats):
    """Repeat the whole array ``repeats`` times along each axis."""
    return jnp.tile(as_array(x), repeats)


@accepts_variables
def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis``."""
    return jnp.repeat(as_array(x), repeats, axis=axis)


@accepts_variables
def flip(x, axis=None):
    """Reverse the order of elements along ``axis``."""
    return jnp.flip(as_array(x), as_axis(axis))


@accepts_variables
def roll(x, shift, axis=None):
    """Shift elements cyclically along ``axis``."""
    return jnp.roll(as_array(x), shift, axis=as_axis(axis))


@accepts_variables
def swapaxes(x, axis1, axis2):
    """Interchange two axes."""
    return jnp.swapaxes(as_array(x), axis1, axis2)


@accepts_variables
def moveaxis(x, source, destination):
    """Move axes to new positions."""
    return jnp.moveaxis(as_array(x), source, destination)


@accepts_variables
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x`` (``constant_values`` defaults to 0)."""
    if constant_values is None:
        return jnp.pad(as_array(x), pad_width, mode=mode)
    return jnp.pad(as_array(x), pad_width, mode=mode, constant_values=constant_values)


@accepts_variables
def diag(x, k=0):
    """Extract a diagonal, or build a diagonal matrix from a vector."""
    return jnp.diag(as_array(x), k=k)


@accepts_variables
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the plane given by ``axis1`` and ``axis2``."""
    return jnp.diagonal(as_array(x), offset=offset, axis1=axis1, axis2=axis2)


@accepts_variables
def tril(x, k=0):
    """Zero the elements above the ``k``-th diagonal."""
    return jnp.tril(as_array(x), k=k)


@accepts_variables
def triu(x, k=0):
    """Zero the elements below the ``k``-th diagonal."""
    return jnp.triu(as_array(x), k=k)


# -- indexing and sorting --------------------------------------------------------------------------
@accepts_variables
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened array when None)."""
    return jnp.take(as_array(x), as_array(indices), axis=axis)


@accepts_variables
def take_along_axis(x, indices, axis=None):
    """Pick values along ``axis`` with an index array of matching rank."""
    return jnp.take_along_axis(as_array(x), as_array(indices), axis=axis)


@accepts_variables
def get_item(x, key):
    """``x[key]``."""
    return as_array(x)[key]


@accepts_variables
def sort(x, axis=-1):
    """Sorted copy along ``axis``."""
    return jnp.sort(as_array(x), axis=axis)


@accepts_variables
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis``."""
    return jnp.argsort(as_array(x), axis=axis)


@accepts_variables
def top_k(x, k, sorted=True):  # noqa: A002 - Keras's name
    """The ``k`` largest values along the last axis and their indices, largest first."""
    values, indices = lax.top_k(as_array(x), k)
    return values, indices


@accepts_variables
def searchsorted(sorted_sequence, values, side="left"):
    """Indices where ``values`` would be inserted to keep ``sorted_sequence`` ordered."""
    return jnp.searchsorted(as_array(sorted_sequence), as_array(values), side=side)


@accepts_variables
def nonzero(x):
    """Indices of the non-zero elements, one array per axis."""
    return jnp.nonzero(as_array(x))


@accepts_variables
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,  # noqa: A002
           size=None, fill_value=None):
    """The unique elements of ``x`` (not traceable unless ``size`` is given)."""
    return jnp.unique(as_array(x), return_index=return_index, return_inverse=return_inverse,
                      return_counts=return_counts, axis=axis, size=size, fill_value=fill_value)
