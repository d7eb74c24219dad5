"""``Cropping2D`` and the base shared by the cropping layers of every rank."""

from __future__ import annotations

from typing import Any

import jax

from strata.layers import conv_utils
from strata.layers.layer import Layer
from strata.layers.pooling.base_pooling import layout


class BaseCropping(Layer):
    """Cropping on the ``_rank`` spatial axes; subclasses set ``_rank`` and the default.

    ``cropping`` is stored as Keras writes it in the config; ``_pairs()`` gives one
    ``(before, after)`` pair per spatial axis.  Cropping that would leave an axis empty is an error.
    """

    _config_args = ("cropping", "data_format")
    _rank = 2

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.cropping = self._normalize(cropping)
        self.built = True

    def _normalize(self, cropping: Any) -> Any:
        return conv_utils.normalize_pairs(cropping, self._rank, "cropping")

    def _pairs(self) -> tuple[tuple[int, int], ...]:
        return self.cropping

    def _axes(self, shape: tuple) -> tuple[int, ...]:
        conv_utils.check_input_rank(self, tuple(shape), self._rank + 2, layout(self.data_format, self._rank))
        axes = conv_utils.spatial_axes(len(shape), self.data_format)
        for axis, (before, after) in zip(axes, self._pairs()):
            if shape[axis] is not None and before + after >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}' cannot crop {before} + {after} cells "
                    f"from axis {axis} of size {shape[axis]}: at least one cell must remain. "
                    f"Received: input_shape={tuple(shape)}, cropping={self.cropping}. "
                    "Use smaller `cropping` values."
                )
        return axes

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        for axis, (before, after) in zip(self._axes(tuple(shape)), self._pairs()):
            if shape[axis] is not None:
                shape[axis] -= before + after
        return tuple(shape)

    def call(self, inputs: jax.Array) -> jax.Array:
        index = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(self._axes(inputs.shape), self._pairs()):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]


class Cropping2D(BaseCropping):
    """Crops rows and columns off the sides of images (``keras.layers.Cropping2D``).

    Args:
        cropping: an int ``c`` (``c`` on all four sides), a pair ``(ch, cw)`` (``ch`` at top and
            bottom, ``cw`` at left and right), or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> Cropping2D(((1, 0), (2, 1))).compute_output_shape((None, 5, 5, 3))
        (None, 4, 2, 3)
    """

    _rank = 2

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(cropping, data_format=data_format, **kwargs)
