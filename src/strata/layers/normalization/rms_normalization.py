"""``RMSNormalization``: divide each sample by its root mean square over the axes, then scale."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.layer import Layer
from strata.layers.normalization.axes import (broadcast_shape, check_axes_in_range, check_axis_argument,
                                              parameter_shape)


class RMSNormalization(Layer):
    """Root-mean-square normalization (``keras.layers.RMSNormalization``).

    ``x * rsqrt(mean(x**2 over axis) + epsilon) * scale``, with a learned ``scale`` (initialized
    to ones) shaped like the normalized axes.  No centering, unlike LayerNormalization.

    Args:
        axis: an int or a list of ints (a sorted list in the config once built).
        epsilon: small float added to the mean square.

    Example:
        >>> import numpy as np
        >>> np.round(RMSNormalization()(np.array([[2.0, -2.0]], "float32")), 4).tolist()
        [[1.0, -1.0]]
    """

    _config_args = ("axis", "epsilon")

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = check_axis_argument(axis, "RMSNormalization")
        self.epsilon = epsilon
        self.scale = None

    def build(self, input_shape: Any) -> None:
        where = f"RMSNormalization '{self.name}'"
        self.axis = sorted([self.axis] if isinstance(self.axis, int) else self.axis)
        shape = parameter_shape(check_axes_in_range(self.axis, input_shape, where), input_shape, where)
        self.scale = self.add_weight(shape, "ones", name="scale")
        self.built = True  # also when `build` is called directly, so a later call keeps these weights

    def call(self, inputs: Any) -> Any:
        x = inputs.astype(jnp.result_type(inputs.dtype, jnp.float32))
        axes = check_axes_in_range(self.axis, x.shape, f"RMSNormalization '{self.name}'")
        mean_square = jnp.mean(jnp.square(x), axis=tuple(axes), keepdims=True)
        outputs = x * jax.lax.rsqrt(mean_square + jnp.asarray(self.epsilon, x.dtype))
        scale = self.scale.value.astype(x.dtype)
        outputs = outputs * jnp.reshape(scale, broadcast_shape(x.ndim, axes, scale.shape))
        return outputs.astype(inputs.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes_in_range(self.axis, input_shape, f"RMSNormalization '{self.name}'")
        return tuple(input_shape)
