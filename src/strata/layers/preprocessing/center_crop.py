"""``CenterCrop``: keep the central ``height x width`` window of the images."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.conv_utils import standardize_data_format
from strata.layers.layer import Layer
from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import check_image_rank, check_size


class CenterCrop(Layer):
    """Crops the centre of images (``keras.layers.CenterCrop``), in training and inference alike.

    The window starts at ``((H - height) // 2, (W - width) // 2)``.  An image smaller than the
    target in either dimension is instead centre-cropped to the target aspect ratio and **resized up**
    (bilinear) to ``(height, width)``, as in Keras.  The output has the compute dtype (float32).

    Args:
        height: the output height.
        width: the output width.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Example:
        >>> import numpy as np
        >>> np.asarray(CenterCrop(2, 2)(np.arange(16.0).reshape(4, 4, 1)))[..., 0].tolist()
        [[5.0, 6.0], [9.0, 10.0]]
    """

    _config_args = ("data_format", "height", "width")

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        height, width = check_size(height, "height", "CenterCrop"), check_size(width, "width", "CenterCrop")
        self.data_format = standardize_data_format(data_format)
        self.height = height
        self.width = width
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_image_rank(inputs.shape)
        images = jnp.asarray(inputs).astype(self.compute_dtype)
        height, width = image_ops.image_size(images, self.data_format)
        if height >= self.height and width >= self.width:
            return image_ops.crop(images, (height - self.height) // 2, (width - self.width) // 2,
                                  self.height, self.width, self.data_format)
        resized = image_ops.resize(images, (self.height, self.width), crop_to_aspect_ratio=True,
                                   data_format=self.data_format)
        return resized.astype(self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_image_rank(tuple(input_shape), "input_shape")
        shape = list(input_shape)
        h_axis, w_axis = image_ops.spatial_axes(self.data_format, len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)
