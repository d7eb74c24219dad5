"""``LeakyReLU``: ``x`` for ``x >= 0``, ``negative_slope * x`` below, as a layer."""

from __future__ import annotations

import warnings
from typing import Any

import jax

from strata import activations
from strata.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit (``keras.layers.LeakyReLU``).

    Args:
        negative_slope: the slope for negative inputs (default ``0.3``); must be ``>= 0``.
            Keras 2's name ``alpha`` is still accepted, with Keras 3's deprecation warning.

    Example:
        >>> LeakyReLU(negative_slope=0.5)([-2.0, 0.0, 2.0]).tolist()
        [-1.0, 0.0, 2.0]
    """

    _config_args = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.", UserWarning,
                          stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                f"Expected a float >= 0. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs: jax.Array) -> jax.Array:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
