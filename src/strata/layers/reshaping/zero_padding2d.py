"""``ZeroPadding2D`` and the base shared by the zero-padding layers of every rank."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers import conv_utils
from strata.layers.layer import Layer
from strata.layers.pooling.base_pooling import layout


class BaseZeroPadding(Layer):
    """Zero padding on the ``_rank`` spatial axes; subclasses set ``_rank`` and the default.

    ``padding`` is stored as Keras writes it in the config; ``_pairs()`` gives one
    ``(before, after)`` pair per spatial axis.
    """

    _config_args = ("padding", "data_format")
    _rank = 2

    def __init__(self, padding: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.padding = self._normalize(padding)
        self.built = True

    def _normalize(self, padding: Any) -> Any:
        return conv_utils.normalize_pairs(padding, self._rank, "padding")

    def _pairs(self) -> tuple[tuple[int, int], ...]:
        return self.padding

    def _axes(self, shape: tuple) -> tuple[int, ...]:
        conv_utils.check_input_rank(self, tuple(shape), self._rank + 2, layout(self.data_format, self._rank))
        return conv_utils.spatial_axes(len(shape), self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        for axis, (before, after) in zip(self._axes(tuple(shape)), self._pairs()):
            if shape[axis] is not None:
                shape[axis] += before + after
        return tuple(shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        widths = [(0, 0)] * inputs.ndim
        for axis, pair in zip(self._axes(inputs.shape), self._pairs()):
            widths[axis] = pair
        return jnp.pad(inputs, widths)


class ZeroPadding2D(BaseZeroPadding):
    """Pads images with zeros on each side (``keras.layers.ZeroPadding2D``).

    Args:
        padding: an int ``p`` (``p`` on all four sides), a pair ``(ph, pw)`` (``ph`` at top and
            bottom, ``pw`` at left and right), or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> ZeroPadding2D(((1, 2), (3, 4))).compute_output_shape((None, 5, 5, 3))
        (None, 8, 12, 3)
    """

    _rank = 2

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)
