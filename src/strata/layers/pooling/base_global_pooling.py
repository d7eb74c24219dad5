"""``BaseGlobalPooling``: reduce every spatial axis at once (global max or average pooling)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers import conv_utils
from strata.layers.layer import Layer
from strata.layers.pooling.base_pooling import layout


class BaseGlobalPooling(Layer):
    """Base class of ``GlobalMaxPooling1D/2D/3D`` and ``GlobalAveragePooling1D/2D/3D``.

    Subclasses set ``_rank`` (number of spatial axes) and ``_mode`` (``"max"`` or ``"average"``).

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None`` means
            ``strata.config.image_data_format()``.
        keepdims: keep the reduced spatial axes with length 1 (``(batch, 1, 1, channels)``)
            instead of returning ``(batch, channels)``.
    """

    _rank: int = 2
    _mode: str = "max"
    _config_args = ("data_format", "keepdims")

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.built = True

    def _axes(self, shape: tuple) -> tuple[int, ...]:
        conv_utils.check_input_rank(self, tuple(shape), self._rank + 2, layout(self.data_format, self._rank))
        return conv_utils.spatial_axes(len(shape), self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._axes(input_shape)
        channels_last = self.data_format == "channels_last"
        channels = input_shape[-1] if channels_last else input_shape[1]
        if not self.keepdims:
            return (input_shape[0], channels)
        ones = (1,) * self._rank
        return (input_shape[0],) + ones + (channels,) if channels_last else (input_shape[0], channels) + ones

    def call(self, inputs: jax.Array) -> jax.Array:
        reduce = jnp.max if self._mode == "max" else jnp.mean
        return reduce(inputs, axis=self._axes(inputs.shape), keepdims=self.keepdims)
