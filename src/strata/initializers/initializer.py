"""``Initializer``: the base class of weight initializers, and the shape/dtype checks they share.

strata's initializers compute on the host with NumPy and return ``numpy.ndarray`` values.  No JAX
program is compiled to create a weight, so building a model costs no compilation time (Keras
compiles one small program per distinct weight shape).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import config


class Initializer:
    """Base class: ``initializer(shape, dtype=None)`` returns a NumPy array of that shape.

    Subclasses implement ``__call__`` and, when their constructor takes arguments, ``get_config``
    returning those arguments (``from_config`` then needs no override).

    Example:
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return np.full(standardize_shape(shape), 0.5, dtype=numpy_dtype(dtype))
        >>> Halves()((2,)).tolist()
        [0.5, 0.5]
    """

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement `__call__(shape, dtype=None)`.")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Initializer":
        """Rebuild an initializer from :meth:`get_config`'s dict."""
        return cls(**config)

    def clone(self) -> "Initializer":
        """A new initializer with the same configuration."""
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def standardize_shape(shape: Any) -> tuple[int, ...]:
    """``shape`` as a tuple of non-negative ints (an int means a 1-D shape)."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(int(dim) for dim in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"`shape` must be a tuple of non-negative ints. Received: shape={shape!r}"
        ) from None
    if any(dim < 0 for dim in dims):
        raise ValueError(f"`shape` must be a tuple of non-negative ints. Received: shape={shape!r}")
    return dims


def numpy_dtype(dtype: Any) -> np.dtype:
    """The NumPy dtype for ``dtype`` (``floatx()`` when None; ``"bfloat16"`` through ml_dtypes)."""
    if dtype is None:
        dtype = config.floatx()
    name = getattr(dtype, "name", dtype)
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    try:
        return np.dtype(dtype)
    except TypeError:
        raise ValueError(f"`dtype` is not a known dtype. Received: dtype={dtype!r}") from None


def float_dtype(dtype: Any, owner: str) -> np.dtype:
    """Like :func:`numpy_dtype`, but only floating-point dtypes (random draws are real numbers)."""
    resolved = numpy_dtype(dtype)
    if resolved.kind != "f" and resolved.name != "bfloat16":
        raise ValueError(
            f"{owner} draws floating-point values; `dtype` must be a float dtype such as 'float32'. "
            f"Received: dtype={dtype!r}"
        )
    return resolved
