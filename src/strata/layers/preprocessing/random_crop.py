"""``RandomCrop``: cut a random ``height x width`` window out of the images during training."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.core import random as strata_random
from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import BaseImageAugmentation, check_size


class RandomCrop(BaseImageAugmentation):
    """Randomly crops images during training (``keras.layers.RandomCrop``).

    In training, when the images are larger than ``(height, width)`` in both dimensions, one window
    position is drawn per call (shared by the batch, as in Keras) and the window is cut out;
    otherwise the images are centre-cropped to the target aspect ratio and resized (bilinear) to
    ``(height, width)``.  Training outputs have the compute dtype (float32).

    **At inference the layer is the identity** (Keras's behaviour), although ``compute_output_shape``
    reports ``(height, width)``: a model with ``Flatten``/``Dense`` after ``RandomCrop`` only
    predicts on images already of the target size.  Use ``CenterCrop`` after it, or resize first,
    when the sizes differ.

    Args:
        height: the output height.
        width: the output width.
        seed: an int for a reproducible sequence of crops; ``None`` is replaced by a concrete seed
            from strata's root seed at construction (it then appears in ``get_config()``).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).
        name: the layer's name.

    Example:
        >>> import numpy as np
        >>> layer = RandomCrop(4, 4, seed=0)
        >>> layer(np.zeros((2, 8, 8, 3))).shape, layer(np.zeros((2, 8, 8, 3)), training=False).shape
        ((2, 4, 4, 3), (2, 8, 8, 3))
    """

    _config_args = ("data_format", "height", "width", "seed")

    def __init__(self, height: int, width: int, seed: int | None = None, data_format: str | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        seed = strata_random.next_seed() if seed is None else seed
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        height, width = check_size(height, "height", "RandomCrop"), check_size(width, "width", "RandomCrop")
        self.height = height
        self.width = width

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        height, width = image_ops.image_size(images, self.data_format)
        if height > self.height and width > self.width:
            top_key, left_key = jax.random.split(key)
            top = jax.random.uniform(top_key, (), minval=0.0, maxval=float(height - self.height + 1))
            left = jax.random.uniform(left_key, (), minval=0.0, maxval=float(width - self.width + 1))
            return top.astype(jnp.int32), left.astype(jnp.int32)
        top, left, _, _ = image_ops.aspect_crop_box(height, width, self.height, self.width)
        return top, left

    def _crop(self, images: Any, transformation: Any, interpolation: str) -> Any:
        top, left = transformation
        images = image_ops.crop(images, top, left, self.height, self.width, self.data_format)
        if image_ops.image_size(images, self.data_format) != (self.height, self.width):
            images = image_ops.resize(images, (self.height, self.width), interpolation=interpolation,
                                      data_format=self.data_format)
        return images

    def transform_images(self, images: Any, transformation: Any) -> Any:
        images = self._crop(images.astype(self.compute_dtype), transformation, "bilinear")
        return images.astype(self.compute_dtype)

    def transform_segmentation_masks(self, masks: Any, transformation: Any) -> Any:
        return self._crop(masks, transformation, "nearest")

    def inference_images(self, images: Any) -> Any:
        return images

    def _output_shape(self, shape: Any) -> tuple:
        shape = list(shape)
        h_axis, w_axis = image_ops.spatial_axes(self.data_format, len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if isinstance(input_shape, dict):
            return {key: self._output_shape(shape) if key in ("images", "segmentation_masks") else shape
                    for key, shape in input_shape.items()}
        return self._output_shape(input_shape)
