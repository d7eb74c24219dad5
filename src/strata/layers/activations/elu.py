"""``ELU``: the exponential linear unit as a layer."""

from __future__ import annotations

from typing import Any

import jax

from strata import activations
from strata.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit (``keras.layers.ELU``): ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Args:
        alpha: the scale of the negative part (default ``1.0``).

    Example:
        >>> round(ELU(alpha=2.0)([-1.0, 1.0]).tolist()[0], 4)
        -1.2642
    """

    _config_args = ("alpha",)

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs: jax.Array) -> jax.Array:
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
