"""``Permute``: reorder the non-batch axes of each sample."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer


class Permute(Layer):
    """Permutes the axes of the inputs, keeping the batch axis first (``keras.layers.Permute``).

    Args:
        dims: the new order of the non-batch axes, numbered from 1; ``(2, 1)`` swaps the two
            axes of each sample.

    Example:
        >>> Permute((2, 1)).compute_output_shape((None, 10, 64))
        (None, 64, 10)
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            dims = tuple(dims)
        except TypeError:
            dims = (dims,)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute layer. The set of indices in `dims` "
                "must be consecutive and start from 1 (the batch axis 0 stays in place). "
                f"Received: dims={dims}"
            )
        self.dims = dims
        self.built = True

    def _check_rank(self, shape: tuple) -> None:
        if len(shape) != len(self.dims) + 1:
            raise ValueError(
                f"Permute layer '{self.name}' with dims={self.dims} expects inputs of rank "
                f"{len(self.dims) + 1} (batch + {len(self.dims)} axes), but received rank {len(shape)}. "
                f"Received: input_shape={shape}"
            )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._check_rank(input_shape)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def compute_output_spec(self, inputs: Any) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def call(self, inputs: Any) -> Any:
        self._check_rank(tuple(inputs.shape))
        return jnp.transpose(inputs, (0,) + self.dims)

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = self.dims
        return config
