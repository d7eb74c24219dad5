"""``UpSampling2D`` and the base shared by the up-sampling layers of every rank."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers import conv_utils
from strata.layers.layer import Layer
from strata.layers.pooling.base_pooling import layout

# What ``jax.image.resize`` offers besides nearest-neighbour repetition (Keras's list on JAX).
_RESIZE_METHODS = ("bilinear", "bicubic", "lanczos3", "lanczos5")


class BaseUpSampling(Layer):
    """Repeats each cell ``size`` times along each of the ``_rank`` spatial axes.

    Subclasses set ``_rank``; ``_sizes()`` gives one factor per spatial axis.
    """

    _config_args = ("size", "data_format")
    _rank = 2

    def __init__(self, size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.size = self._normalize(size)
        self.built = True

    def _normalize(self, size: Any) -> Any:
        return conv_utils.normalize_tuple(size, self._rank, "size")

    def _sizes(self) -> tuple[int, ...]:
        return self.size

    def _axes(self, shape: tuple) -> tuple[int, ...]:
        conv_utils.check_input_rank(self, tuple(shape), self._rank + 2, layout(self.data_format, self._rank))
        return conv_utils.spatial_axes(len(shape), self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        for axis, factor in zip(self._axes(tuple(shape)), self._sizes()):
            if shape[axis] is not None:
                shape[axis] *= factor
        return tuple(shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        for axis, factor in zip(self._axes(inputs.shape), self._sizes()):
            inputs = jnp.repeat(inputs, factor, axis=axis)
        return inputs


class UpSampling2D(BaseUpSampling):
    """Up-samples images by ``size`` (``keras.layers.UpSampling2D``).

    Args:
        size: an int or a pair ``(rows, cols)``, the up-sampling factors.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).
        interpolation: ``"nearest"`` (repeat rows and columns, the default), ``"bilinear"``
            (half-pixel centres, no antialiasing), ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.

    Example:
        >>> import numpy as np
        >>> x = np.array([[0.0, 1.0], [2.0, 3.0]], "float32").reshape(1, 2, 2, 1)
        >>> UpSampling2D(interpolation="bilinear")(x)[0, 0, :, 0].tolist()
        [0.0, 0.25, 0.75, 1.0]
    """

    _config_args = ("size", "data_format", "interpolation")
    _rank = 2

    def __init__(self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(size, data_format=data_format, **kwargs)
        method = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if method not in ("nearest",) + _RESIZE_METHODS:
            raise ValueError(
                "Invalid value for argument `interpolation`: expected one of "
                f"{('nearest',) + _RESIZE_METHODS}. Received: interpolation={interpolation!r}"
            )
        self.interpolation = method

    def call(self, inputs: jax.Array) -> jax.Array:
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = self.compute_output_shape(inputs.shape)
        return jax.image.resize(inputs, shape, method=self.interpolation, antialias=False)
