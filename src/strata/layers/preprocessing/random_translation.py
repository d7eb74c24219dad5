"""``RandomTranslation``: shift each image by a random fraction of its height and width."""

from __future__ import annotations

from typing import Any

import jax

from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import RandomAffineBase, parse_symmetric_factor


class RandomTranslation(RandomAffineBase):
    """Randomly translates images during training (``keras.layers.RandomTranslation``).

    Each image moves by ``dy * height`` pixels down and ``dx * width`` pixels right, with ``dy`` and
    ``dx`` drawn per image; a **positive** height shift moves the content *down*.  Uncovered pixels
    are filled according to ``fill_mode``.  The output has the compute dtype (float32), also when
    ``training`` is false.

    Args:
        height_factor: ``f`` draws ``dy`` from ``[-f, f]``, a pair ``(a, b)`` from ``[a, b]``;
            values in ``[-1, 1]``.
        width_factor: the same for ``dx``.
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: an int for a reproducible sequence of shifts.
        fill_value: the value of ``"constant"`` filling.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Example:
        >>> import numpy as np
        >>> down_one_row = RandomTranslation((0.25, 0.25), 0.0, fill_mode="constant")
        >>> np.asarray(down_one_row(np.arange(4.0).reshape(4, 1, 1)))[:, 0, 0].tolist()
        [0.0, 0.0, 1.0, 2.0]
    """

    _config_args = ("data_format", "height_factor", "width_factor", "fill_mode", "interpolation", "seed",
                    "fill_value")

    def __init__(self, height_factor: float | tuple[float, float], width_factor: float | tuple[float, float],
                 fill_mode: str = "reflect", interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = parse_symmetric_factor(height_factor, "height_factor")
        self._width_range = parse_symmetric_factor(width_factor, "width_factor")
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        height_key, width_key = jax.random.split(key)
        shape = (images.shape[0],)
        height, width = image_ops.image_size(images, self.data_format)
        dy = jax.random.uniform(height_key, shape, minval=self._height_range[0], maxval=self._height_range[1])
        dx = jax.random.uniform(width_key, shape, minval=self._width_range[0], maxval=self._width_range[1])
        return dx * float(width), dy * float(height)

    def transform_matrices(self, transformation: Any, height: int, width: int) -> Any:
        dx, dy = transformation
        return image_ops.translation_transforms(dx, dy)
