"""``RepeatVector``: repeat each sample's vector ``n`` times along a new axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer


class RepeatVector(Layer):
    """Turns ``(batch, features)`` into ``(batch, n, features)`` (``keras.layers.RepeatVector``).

    Args:
        n: how many times to repeat each sample (a positive integer).

    Example:
        >>> RepeatVector(3).compute_output_shape((None, 32))
        (None, 3, 32)
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`. Received: n={n!r} (of type {type(n).__name__})")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.built = True

    def _check_rank(self, shape: tuple) -> None:
        if len(shape) != 2:
            raise ValueError(
                f"RepeatVector layer '{self.name}' expects inputs of rank 2 (batch, features), but "
                f"received rank {len(shape)}. Flatten or reshape the inputs first. "
                f"Received: input_shape={shape}"
            )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._check_rank(input_shape)
        return (input_shape[0], self.n, input_shape[1])

    def compute_output_spec(self, inputs: Any) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def call(self, inputs: Any) -> Any:
        self._check_rank(tuple(inputs.shape))
        batch, features = inputs.shape
        return jnp.broadcast_to(jnp.reshape(inputs, (batch, 1, features)), (batch, self.n, features))

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config
