"""``UnitNormalization``: scale each sample to unit L2 norm over the given axes."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.layer import Layer
from strata.layers.normalization.axes import check_axes_in_range, check_axis_argument


class UnitNormalization(Layer):
    """L2 normalization (``keras.layers.UnitNormalization``): ``x / ||x||`` over ``axis``.

    The norm is floored at ``1e-12``, so an all-zero sample stays zero.  No weights.

    Args:
        axis: an int or a list of ints: the axes the norm is taken over (default the last).

    Example:
        >>> import numpy as np
        >>> UnitNormalization()(np.array([[3.0, 4.0]], "float32")).tolist()
        [[0.6000000238418579, 0.800000011920929]]
    """

    _config_args = ("axis",)

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = check_axis_argument(axis, "UnitNormalization")
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        axes = tuple(check_axes_in_range(self.axis, inputs.shape, f"UnitNormalization '{self.name}'"))
        square_sum = jnp.sum(jnp.square(inputs), axis=axes, keepdims=True)
        inv_norm = jnp.minimum(jax.lax.rsqrt(square_sum), jnp.asarray(1e12, inputs.dtype))
        return inputs * inv_norm

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes_in_range(self.axis, input_shape, f"UnitNormalization '{self.name}'")
        return tuple(input_shape)
