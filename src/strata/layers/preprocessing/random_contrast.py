"""``RandomContrast``: scale each image's deviation from its mean by a random factor."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import BaseImageAugmentation, parse_factor


class RandomContrast(BaseImageAugmentation):
    """Randomly adjusts contrast during training (``keras.layers.RandomContrast``).

    Per image and channel: ``out = (x - mean) * c + mean`` (mean over height and width), then clipped
    to ``value_range``.  As in Keras, a number ``f`` draws ``c`` from ``[1, 1 + f]`` (contrast only
    goes up: the lower side of ``(-f, f)`` is clamped to 0 and ``get_config()["factor"]`` is
    ``(0, f)``), and a pair ``(a, b)`` draws ``c`` from ``[1 - a, 1 + b]``.  When ``training`` is
    false the inputs come back unchanged.

    Args:
        factor: a number in ``[0, 1]``, or a pair.
        value_range: the ``(min, max)`` of the pixel values, used for clipping.
        seed: an int for a reproducible sequence of factors.
        **kwargs: base layer arguments, and ``data_format``.

    Example:
        >>> import numpy as np
        >>> images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
        >>> RandomContrast(0.5, seed=1)(images).shape
        (2, 8, 8, 3)
    """

    _config_args = ("data_format", "factor", "value_range", "seed")

    def __init__(self, factor: float | tuple[float, float], value_range: tuple[float, float] = (0, 255),
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = parse_factor(factor, (0, 1))
        self.value_range = value_range

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        lower, upper = self.factor
        return jax.random.uniform(key, (images.shape[0], 1, 1, 1), dtype=self.compute_dtype,
                                  minval=1.0 - lower, maxval=1.0 + upper)

    def transform_images(self, images: Any, transformation: Any) -> Any:
        images = images.astype(self.compute_dtype)
        mean = jnp.mean(images, axis=image_ops.spatial_axes(self.data_format), keepdims=True)
        outputs = (images - mean) * transformation + mean
        return jnp.clip(outputs, self.value_range[0], self.value_range[1])

    def inference_images(self, images: Any) -> Any:
        return images
