"""``GaussianNoise``: add zero-centred normal noise while training (a regularizer and augmenter)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.core.random import SeedGenerator
from strata.layers.layer import Layer


def check_unit_interval(value: Any, name: str) -> None:
    """A ValueError naming ``name`` unless ``value`` is a number in ``[0, 1]`` (Keras's range check)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float value between 0 and 1. "
            f"Received: {name}={value!r}"
        )


class GaussianNoise(Layer):
    """Additive Gaussian noise (``keras.layers.GaussianNoise``); the identity unless training.

    Args:
        stddev: standard deviation of the noise, in ``[0, 1]``.
        seed: an int for a reproducible noise sequence; by default drawn from the root seed.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((2, 3), "float32")
        >>> bool(np.all(GaussianNoise(0.1)(x) == x)), bool(np.any(GaussianNoise(0.1)(x, training=True) != x))
        (True, True)
    """

    _config_args = ("stddev", "seed")

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_unit_interval(stddev, "stddev")
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if not training or self.stddev == 0:
            return inputs
        noise = jax.random.normal(self.seed_generator.next(), inputs.shape, inputs.dtype)
        return inputs + noise * jnp.asarray(self.stddev, inputs.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
