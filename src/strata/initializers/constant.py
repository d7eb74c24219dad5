"""Initializers with fixed values: ``Zeros``, ``Ones``, ``Constant`` and ``Identity``."""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.initializers.initializer import Initializer, numpy_dtype, standardize_shape


class Zeros(Initializer):
    """All zeros.

    Example:
        >>> Zeros()((2, 2)).tolist()
        [[0.0, 0.0], [0.0, 0.0]]
    """

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        return np.zeros(standardize_shape(shape), dtype=numpy_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        return np.ones(standardize_shape(shape), dtype=numpy_dtype(dtype))


class Constant(Initializer):
    """Every element equal to ``value`` (a number, or an array that broadcasts to the shape).

    Args:
        value: the fill value.
    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape = standardize_shape(shape)
        value = np.asarray(self.value, dtype=numpy_dtype(dtype))
        try:
            return np.array(np.broadcast_to(value, shape))
        except ValueError:
            raise ValueError(
                f"The `value` of Constant has shape {value.shape}, which does not broadcast to the "
                f"requested shape. Received: shape={shape}"
            ) from None

    def get_config(self) -> dict[str, Any]:
        value = self.value.tolist() if hasattr(self.value, "tolist") else self.value
        return {"value": value}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular shapes allowed).

    Args:
        gain: the diagonal value.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape = standardize_shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "The Identity initializer only makes 2-D matrices. "
                f"Received: shape={shape} of rank {len(shape)}"
            )
        return (self.gain * np.eye(shape[0], shape[1])).astype(numpy_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        # Keras 3.15 returns {} here and so loses `gain`; keeping it lets the config round-trip.
        return {"gain": self.gain}
