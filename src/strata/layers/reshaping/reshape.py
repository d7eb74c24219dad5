"""``Reshape``: give each sample a new shape (one dimension may be ``-1``, inferred)."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer


def _validate_target_shape(target_shape: Any) -> tuple[int, ...]:
    try:
        dims = tuple(target_shape)
    except TypeError:
        dims = None
    if dims is None or not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        raise TypeError(
            "`target_shape` must be a tuple of integers (the shape of one sample, without the batch "
            f"axis). Received: target_shape={target_shape!r}"
        )
    if any(d < -1 for d in dims):
        raise ValueError(
            "Each dimension in `target_shape` must be a non-negative integer, or -1 for a single "
            f"unknown dimension. Received: target_shape={dims}"
        )
    if dims.count(-1) > 1:
        raise ValueError(
            "There must be at most one unknown dimension (-1) in `target_shape`. "
            f"Received: target_shape={dims}"
        )
    return dims


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (``keras.layers.Reshape``).

    Args:
        target_shape: the new shape of one sample, without the batch axis. One dimension may be
            ``-1``; it is inferred from the sample size.

    Example:
        >>> Reshape((-1, 2)).compute_output_shape((None, 6))
        (None, 3, 2)
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = _validate_target_shape(target_shape)
        self.built = True

    def _resolve(self, sample_shape: tuple) -> tuple:
        """``target_shape`` with ``-1`` resolved (``None`` where the sample size is unknown)."""
        if None in sample_shape:
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(sample_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 not in self.target_shape and size == known:
            return self.target_shape
        if -1 in self.target_shape and known != 0 and size % known == 0:
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if -1 in self.target_shape:
            problem = f"{size} values per sample cannot be split into parts of {known}"
        else:
            problem = f"{size} values per sample cannot be arranged as {known}"
        raise ValueError(
            f"Reshape layer '{self.name}' cannot reshape inputs of shape (batch,) + {sample_shape} to "
            f"target_shape={self.target_shape}: {problem}. The total size of each sample must be "
            "unchanged; choose a target_shape whose dimensions multiply to "
            f"{size} (or use -1 for one dimension). Received: input_shape={(None,) + sample_shape}, "
            f"target_shape={self.target_shape}"
        )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        return (input_shape[0],) + self._resolve(input_shape[1:])

    def compute_output_spec(self, inputs: Any) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def call(self, inputs: Any) -> Any:
        return jnp.reshape(inputs, (inputs.shape[0],) + self._resolve(tuple(inputs.shape[1:])))

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
