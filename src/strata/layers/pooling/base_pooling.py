"""``BasePooling``: the window machinery shared by the max and average pooling layers.

Pooling slides a ``pool_size`` window by ``strides`` over the spatial axes and reduces each window
with ``max`` or ``mean`` (``lax.reduce_window``).  Output sizes follow the convolution rules
(``KERAS_NOTES_2.md`` §1.3): ``valid`` gives ``floor((n - k) / s) + 1`` and ``same`` gives
``ceil(n / s)`` with the odd padding cell at the end.  Max pooling pads with ``-inf`` (padding never
wins); average pooling with ``same`` divides each window by the number of *real* cells it covers.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from strata.layers import conv_utils
from strata.layers.layer import Layer
from strata.layers.pooling import tiled_pooling

_LAYOUTS = {
    ("channels_last", 1): "batch, steps, features",
    ("channels_first", 1): "batch, features, steps",
    ("channels_last", 2): "batch, height, width, channels",
    ("channels_first", 2): "batch, channels, height, width",
    ("channels_last", 3): "batch, depth, height, width, channels",
    ("channels_first", 3): "batch, channels, depth, height, width",
}


def layout(data_format: str, rank: int) -> str:
    """The axes of a ``rank``-D spatial batch in words, for error messages."""
    return _LAYOUTS[(data_format, rank)]


def _window_counts(spatial: tuple[int, ...], pool_size: tuple[int, ...],
                   strides: tuple[int, ...]) -> np.ndarray:
    """How many real (unpadded) cells each ``same`` window covers, as a spatial array."""
    counts = np.ones((), np.float64)
    for n, k, s in zip(spatial, pool_size, strides):
        before, _ = conv_utils.same_padding(n, k, s)
        starts = np.arange(conv_utils.output_length(n, k, "same", s)) * s - before
        axis_counts = np.minimum(starts + k, n) - np.maximum(starts, 0)
        counts = np.multiply.outer(counts, axis_counts)
    return counts


class BasePooling(Layer):
    """Base class of ``MaxPooling1D/2D/3D`` and ``AveragePooling1D/2D/3D``.

    Subclasses set ``_rank`` (number of spatial axes) and ``_mode`` (``"max"`` or ``"average"``)
    and pass their arguments on.

    Args:
        pool_size: an int or ``rank`` ints, the window size.
        strides: an int, ``rank`` ints, or ``None`` (the default: the same as ``pool_size``).
        padding: ``"valid"`` (no padding) or ``"same"`` (pad so the output size is
            ``ceil(input / strides)``), case-insensitive.
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None`` means
            ``strata.config.image_data_format()``.
    """

    _rank: int = 2
    _mode: str = "max"
    _config_args = ("pool_size", "padding", "strides", "data_format")

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool_size = conv_utils.normalize_tuple(pool_size, self._rank, "pool_size")
        self.strides = conv_utils.normalize_tuple(pool_size if strides is None else strides,
                                                  self._rank, "strides")
        self._padding = conv_utils.normalize_padding(padding)
        self.padding = padding  # kept as given, as Keras writes it in the config
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.built = True

    def _spatial(self, shape: tuple) -> tuple:
        conv_utils.check_input_rank(self, shape, self._rank + 2, layout(self.data_format, self._rank))
        axes = conv_utils.spatial_axes(len(shape), self.data_format)
        return tuple(shape[a] for a in axes)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        spatial = self._spatial(input_shape)
        out = tuple(conv_utils.output_length(n, k, self._padding, s)
                    for n, k, s in zip(spatial, self.pool_size, self.strides))
        if any(n is not None and n <= 0 for n in out):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' received inputs smaller than its pooling "
                f"window, so its output would be empty. Received: input_shape={input_shape}, "
                f"pool_size={self.pool_size}, padding={self.padding!r}. Use a smaller `pool_size`, "
                "`padding='same'`, or larger inputs."
            )
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (input_shape[-1],)
        return input_shape[:2] + out

    def _window(self, spatial: tuple[int, ...]) -> tuple[int, ...]:
        """A per-axis spatial tuple spread over the full input rank (1 on batch and channels)."""
        return (1,) + spatial + (1,) if self.data_format == "channels_last" else (1, 1) + spatial

    def call(self, inputs: jax.Array) -> jax.Array:
        self.compute_output_shape(inputs.shape)  # rank and size checks, before XLA sees the shapes
        window, strides = self._window(self.pool_size), self._window(self.strides)
        padding = self._padding.upper()
        if tiled_pooling.tiles_input(self.pool_size, self.strides, self._padding):
            rank = len(self.pool_size)
            axes = tuple(range(1, rank + 1)) if self.data_format == "channels_last" else tuple(range(2, rank + 2))
            pool = tiled_pooling.max_pool if self._mode == "max" else tiled_pooling.average_pool
            return pool(inputs, self.pool_size, axes)
        if self._mode == "max":
            floating = jnp.issubdtype(inputs.dtype, jnp.floating)
            lowest = np.asarray(-np.inf if floating else jnp.iinfo(inputs.dtype).min, inputs.dtype)
            return lax.reduce_window(inputs, lowest, lax.max, window, strides, padding)
        sums = lax.reduce_window(inputs, np.asarray(0, inputs.dtype), lax.add, window, strides, padding)
        if self._padding == "valid":
            return sums / jnp.asarray(math.prod(self.pool_size), sums.dtype)
        counts = _window_counts(self._spatial(inputs.shape), self.pool_size, self.strides)
        return sums / jnp.asarray(np.reshape(counts, self._window(counts.shape)), sums.dtype)
