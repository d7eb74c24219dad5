"""``Dropout``: randomly zero inputs during training, scaling the kept ones by ``1/(1-rate)``."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.core.random import SeedGenerator, bernoulli
from strata.layers.layer import Layer


class Dropout(Layer):
    """Dropout (``keras.layers.Dropout``); the identity unless ``training=True``.

    Args:
        rate: fraction of the inputs to drop, in ``[0, 1]``.
        noise_shape: shape of the keep mask, broadcast to the inputs (``None`` for the full shape).
        seed: an int for a reproducible mask sequence; by default drawn from the root seed.
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate!r}"
            )
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return jnp.zeros_like(inputs)
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(inputs.shape, self.noise_shape))
        # The same mask as `jax.random.bernoulli`, in one fused hash (strata.core.random.bernoulli).
        keep = bernoulli(self.seed_generator.next(), 1.0 - self.rate, shape)
        keep = jnp.broadcast_to(keep, inputs.shape)
        scale = jnp.asarray(1.0 / (1.0 - self.rate), inputs.dtype)
        return jnp.where(keep, inputs * scale, jnp.zeros_like(inputs))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
