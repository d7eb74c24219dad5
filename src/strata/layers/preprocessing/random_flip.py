"""``RandomFlip``: flip each image left-right and/or top-bottom with probability one half."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import BaseImageAugmentation

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"
_MODES = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)


class RandomFlip(BaseImageAugmentation):
    """Randomly flips images during training (``keras.layers.RandomFlip``).

    One draw per image decides whether it is flipped.  With ``"horizontal_and_vertical"`` that one
    draw flips the image on *both* axes together (a half turn) or leaves it alone, as in Keras:
    no image is flipped on a single axis.  The output has the compute dtype (float32), also when
    ``training`` is false.

    Args:
        mode: ``"horizontal"`` (left-right), ``"vertical"`` (top-bottom) or
            ``"horizontal_and_vertical"``.
        seed: an int for a reproducible sequence of flips.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Example:
        >>> import numpy as np
        >>> layer = RandomFlip("horizontal", seed=0)
        >>> layer(np.zeros((2, 8, 8, 3), "uint8")).shape
        (2, 8, 8, 3)
        >>> bool((np.asarray(layer(np.ones((8, 8, 3)), training=False)) == 1).all())
        True
    """

    _config_args = ("data_format", "seed", "mode")

    def __init__(self, mode: str = HORIZONTAL_AND_VERTICAL, seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any) -> None:
        if mode not in _MODES:
            raise ValueError(
                f"Invalid value for argument `mode` of RandomFlip. Expected one of {_MODES}. "
                f"Received: mode={mode!r}"
            )
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = mode

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        return jax.random.uniform(key, (images.shape[0], 1, 1, 1)) <= 0.5

    def transform_images(self, images: Any, transformation: Any) -> Any:
        images = images.astype(self.compute_dtype)
        return self._flip(images, transformation)

    def transform_segmentation_masks(self, masks: Any, transformation: Any) -> Any:
        return self._flip(masks, transformation)

    def _flip(self, images: Any, flips: Any) -> Any:
        h_axis, w_axis = image_ops.spatial_axes(self.data_format)
        axes = {HORIZONTAL: (w_axis,), VERTICAL: (h_axis,), HORIZONTAL_AND_VERTICAL: (h_axis, w_axis)}[self.mode]
        return jnp.where(flips, jnp.flip(images, axis=axes), images)
