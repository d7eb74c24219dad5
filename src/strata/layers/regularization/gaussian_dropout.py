"""``GaussianDropout``: multiply by normal noise of mean 1 while training."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp

from strata.core.random import SeedGenerator
from strata.layers.layer import Layer
from strata.layers.regularization.gaussian_noise import check_unit_interval


class GaussianDropout(Layer):
    """Multiplicative Gaussian noise (``keras.layers.GaussianDropout``); the identity unless training.

    The noise has mean 1 and standard deviation ``sqrt(rate / (1 - rate))``, the variance of
    dropout with the same ``rate``.

    Args:
        rate: the equivalent drop probability, in ``[0, 1)``.
        seed: an int for a reproducible noise sequence; by default drawn from the root seed.

    Example:
        >>> import numpy as np
        >>> y = GaussianDropout(0.2, seed=3)(np.ones((1000, 10), "float32"), training=True)
        >>> abs(float(y.std()) - 0.5) < 0.05
        True
    """

    _config_args = ("rate", "seed")

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_unit_interval(rate, "rate")
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            raise ValueError(
                f"GaussianDropout '{self.name}' with rate=1 has infinite noise in training "
                "(stddev = sqrt(rate / (1 - rate))). Received: rate=1. Use a rate below 1."
            )
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = jax.random.normal(self.seed_generator.next(), inputs.shape, inputs.dtype)
        return inputs * (noise * jnp.asarray(stddev, inputs.dtype) + jnp.asarray(1.0, inputs.dtype))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
