"""``RandomZoom``: scale each image about its centre by a random factor."""

from __future__ import annotations

from typing import Any

import jax

from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import RandomAffineBase, parse_symmetric_factor


class RandomZoom(RandomAffineBase):
    """Randomly zooms images in or out during training (``keras.layers.RandomZoom``).

    Each image is scaled about its centre by ``1 + z`` with ``z ~ U[lower, upper]``: a **positive**
    ``z`` zooms *out* (the image shrinks and its border is filled according to ``fill_mode``), a
    negative ``z`` zooms in.  The output has the compute dtype (float32), also when ``training``
    is false.

    Args:
        height_factor: ``f`` draws the vertical ``z`` from ``[-f, f]``, a pair ``(a, b)`` from
            ``[a, b]``; values in ``(-1, 1]``.
        width_factor: the same for the horizontal ``z``; ``None`` (default) uses the vertical one,
            keeping the aspect ratio.
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: an int for a reproducible sequence of zooms.
        fill_value: the value of ``"constant"`` filling.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Example:
        >>> import numpy as np
        >>> zoom_out = RandomZoom((0.5, 0.5), fill_mode="constant")
        >>> out = np.asarray(zoom_out(np.ones((8, 8, 1))))[..., 0]
        >>> float(out[0].max()), float(out[4, 4])  # a border of fill around the shrunken image
        (0.0, 1.0)
    """

    _config_args = ("data_format", "height_factor", "width_factor", "fill_mode", "interpolation", "seed",
                    "fill_value")

    def __init__(self, height_factor: float | tuple[float, float],
                 width_factor: float | tuple[float, float] | None = None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = parse_symmetric_factor(height_factor, "height_factor", include_minus_one=False)
        self._width_range = (None if width_factor is None else
                             parse_symmetric_factor(width_factor, "width_factor", include_minus_one=False))
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        height_key, width_key = jax.random.split(key)
        shape = (images.shape[0],)
        lower, upper = self._height_range
        height_zoom = jax.random.uniform(height_key, shape, minval=1.0 + lower, maxval=1.0 + upper)
        if self._width_range is None:
            return height_zoom, height_zoom
        lower, upper = self._width_range
        return height_zoom, jax.random.uniform(width_key, shape, minval=1.0 + lower, maxval=1.0 + upper)

    def transform_matrices(self, transformation: Any, height: int, width: int) -> Any:
        height_zoom, width_zoom = transformation
        return image_ops.zoom_transforms(width_zoom, height_zoom, height, width)
