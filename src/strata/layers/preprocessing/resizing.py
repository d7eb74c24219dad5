"""``Resizing``: resize images to a fixed ``height x width``."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.conv_utils import standardize_data_format
from strata.layers.layer import Layer
from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import check_image_rank, check_size


class Resizing(Layer):
    """Resizes images (``keras.layers.Resizing``), in training and inference alike.

    The output keeps the input dtype: integer images (e.g. uint8) are resized in float, rounded and
    clipped back to their type's range.

    Args:
        height: the output height.
        width: the output width.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        crop_to_aspect_ratio: centre-crop to the target aspect ratio first, so nothing is distorted.
        pad_to_aspect_ratio: pad with ``fill_value`` to the target aspect ratio first instead.
        fill_mode: how padding is filled; only ``"constant"``.
        fill_value: the padding value.
        antialias: low-pass filter when downsampling.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Example:
        >>> import numpy as np
        >>> Resizing(4, 4)(np.zeros((2, 8, 6, 3), "uint8")).dtype
        dtype('uint8')
    """

    _config_args = ("data_format", "height", "width", "interpolation", "crop_to_aspect_ratio",
                    "pad_to_aspect_ratio", "fill_mode", "fill_value", "antialias")

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_mode: str = "constant", fill_value: float = 0.0,
                 antialias: bool = False, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        height, width = check_size(height, "height", "Resizing"), check_size(width, "width", "Resizing")
        image_ops.check_resize_interpolation(interpolation)
        if fill_mode != "constant":
            raise ValueError(
                "Invalid value for argument `fill_mode`. Only `'constant'` is supported. "
                f"Received: fill_mode={fill_mode!r}"
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`. Received: "
                f"crop_to_aspect_ratio={crop_to_aspect_ratio}, pad_to_aspect_ratio={pad_to_aspect_ratio}"
            )
        self.data_format = standardize_data_format(data_format)
        self.store_arguments(height=height, width=width, interpolation=interpolation,
                             crop_to_aspect_ratio=crop_to_aspect_ratio, pad_to_aspect_ratio=pad_to_aspect_ratio,
                             fill_mode=fill_mode, fill_value=fill_value, antialias=bool(antialias))
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_image_rank(inputs.shape)
        images = jnp.asarray(inputs)
        resized = image_ops.resize(
            images, (self.height, self.width), interpolation=self.interpolation, antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio, pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_value=self.fill_value, data_format=self.data_format)
        return image_ops.saturate_cast(resized, images.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_image_rank(tuple(input_shape), "input_shape")
        shape = list(input_shape)
        h_axis, w_axis = image_ops.spatial_axes(self.data_format, len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)
