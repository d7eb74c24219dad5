"""``RandomBrightness``: add a random constant to each image."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import BaseImageAugmentation, parse_factor


class RandomBrightness(BaseImageAugmentation):
    """Randomly adjusts brightness during training (``keras.layers.RandomBrightness``).

    Each image gets one ``delta = U[lower, upper] * (max - min)`` added to all its pixels and
    channels, then is clipped to ``value_range = (min, max)``.  The output keeps the input dtype;
    when ``training`` is false the inputs come back unchanged.

    Args:
        factor: a number ``f`` in ``[-1, 1]`` draws from ``[-|f|, |f|]``; a pair ``(a, b)`` from
            ``[a, b]`` (e.g. ``(0, 0.2)`` only brightens, by up to 20% of the value range).
        value_range: the ``(min, max)`` of the pixel values (sorted).
        seed: an int for a reproducible sequence of deltas.
        **kwargs: base layer arguments, and ``data_format``.

    Example:
        >>> import numpy as np
        >>> out = np.asarray(RandomBrightness(0.2, seed=3)(np.full((8, 8, 3), 100.0)))
        >>> bool(np.ptp(out) == 0 and 49 <= out[0, 0, 0] <= 151)
        True
    """

    _config_args = ("data_format", "factor", "value_range", "seed")

    def __init__(self, factor: float | tuple[float, float], value_range: tuple[float, float] = (0, 255),
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = parse_factor(factor, (-1, 1))
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                "The `value_range` argument should be a list of two numbers. "
                f"Received: value_range={value_range}"
            )
        self.value_range = sorted(value_range)

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        lower, upper = self.factor
        delta = jax.random.uniform(key, (images.shape[0], 1, 1, 1), minval=lower, maxval=upper)
        return delta * float(self.value_range[1] - self.value_range[0])

    def transform_images(self, images: Any, transformation: Any) -> Any:
        low, high = self.value_range
        if jnp.issubdtype(images.dtype, jnp.floating):
            return jnp.clip(images + transformation.astype(images.dtype), low, high)
        # Integer pixels: add in float32 and round back (Keras adds in the integer type, wrapping around).
        brighter = jnp.clip(images.astype("float32") + transformation, low, high)
        return image_ops.saturate_cast(brighter, images.dtype)

    def inference_images(self, images: Any) -> Any:
        return images
