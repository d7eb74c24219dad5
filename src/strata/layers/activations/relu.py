"""``ReLU``: the rectified linear unit as a layer, with optional cap, leak and threshold."""

from __future__ import annotations

from typing import Any

import jax

from strata import activations
from strata.layers.layer import Layer


class ReLU(Layer):
    """Rectified linear unit (``keras.layers.ReLU``).

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value``, and
    ``negative_slope * (x - threshold)`` otherwise.

    Args:
        max_value: the largest output (``None``: no cap); must be ``>= 0``.
        negative_slope: the slope below the threshold; must be ``>= 0``.
        threshold: the value below which outputs are damped; must be ``>= 0``.

    Example:
        >>> ReLU(max_value=6.0)([-1.0, 3.0, 8.0]).tolist()
        [0.0, 3.0, 6.0]
    """

    _config_args = ("max_value", "negative_slope", "threshold")

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: max_value={max_value}. "
                "Pass None for no cap, or a value >= 0."
            )
        for name, value in (("negative_slope", negative_slope), ("threshold", threshold)):
            if value is None or value < 0.0:
                raise ValueError(
                    f"{name} of a ReLU layer cannot be None or a negative value. Received: {name}={value}. "
                    "Pass a float >= 0."
                )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs: jax.Array) -> jax.Array:
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
