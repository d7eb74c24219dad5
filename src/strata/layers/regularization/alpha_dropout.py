"""``AlphaDropout``: dropout that keeps the self-normalizing statistics of SELU networks."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.core.random import SeedGenerator
from strata.layers.layer import Layer
from strata.layers.regularization.gaussian_noise import check_unit_interval

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Alpha dropout (``keras.layers.AlphaDropout``); the identity unless training.

    Dropped values are set to SELU's negative saturation ``-alpha * scale`` instead of 0, then an
    affine map ``a * x + b`` restores the inputs' mean and variance (zero and one for SELU
    activations), so self-normalizing networks stay normalized.

    Args:
        rate: fraction of the inputs to drop, in ``[0, 1]``.
        noise_shape: shape of the keep mask (``None`` entries take the input's size), or ``None``.
        seed: an int for a reproducible mask sequence; by default drawn from the root seed.

    Example:
        >>> import numpy as np
        >>> y = AlphaDropout(0.2, seed=0)(np.random.default_rng(0).normal(size=(2000, 50)), training=True)
        >>> abs(float(y.mean())) < 0.02 and abs(float(y.std()) - 1) < 0.02
        True
    """

    _config_args = ("rate", "seed", "noise_shape")

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_unit_interval(rate, "rate")
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(inputs.shape, self.noise_shape))
        kept = jax.random.uniform(self.seed_generator.next(), shape) >= self.rate
        kept = jnp.broadcast_to(kept, inputs.shape).astype(inputs.dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + jnp.asarray(alpha_p, inputs.dtype) * (1 - kept)
        return jnp.asarray(a, inputs.dtype) * x + jnp.asarray(b, inputs.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
