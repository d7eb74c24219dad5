"""``RandomRotation``: turn each image by a random angle about its centre."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.preprocessing import image_ops
from strata.layers.preprocessing.base_image_augmentation import RandomAffineBase, parse_factor


class RandomRotation(RandomAffineBase):
    """Randomly rotates images during training (``keras.layers.RandomRotation``).

    Each image turns by an angle drawn from ``U[lower, upper] * 360`` degrees; a positive angle turns
    the content counter-clockwise.  Pixels that come from outside the image are filled according to
    ``fill_mode``.  The output has the compute dtype (float32), also when ``training`` is false.

    Args:
        factor: a fraction of a full turn: ``f`` draws from ``[-f, f]``, a pair ``(a, b)`` from
            ``[a, b]`` (e.g. ``0.1`` turns by up to 36 degrees either way).
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: an int for a reproducible sequence of rotations.
        fill_value: the value of ``"constant"`` filling.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Example:
        >>> import numpy as np
        >>> quarter_turn = RandomRotation((0.25, 0.25))
        >>> np.round(np.asarray(quarter_turn(np.arange(9.0).reshape(3, 3, 1)))[..., 0]).tolist()
        [[2.0, 5.0, 8.0], [1.0, 4.0, 7.0], [0.0, 3.0, 6.0]]
    """

    _config_args = ("data_format", "factor", "fill_mode", "fill_value", "interpolation", "seed")

    def __init__(self, factor: float | tuple[float, float], fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, (-1, 1))
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    def get_random_transformation(self, images: Any, key: Any) -> Any:
        lower, upper = self.factor
        return jax.random.uniform(key, (images.shape[0],), minval=lower * 360.0, maxval=upper * 360.0)

    def transform_matrices(self, transformation: Any, height: int, width: int) -> Any:
        radians = transformation * jnp.asarray(image_ops.DEGREES_TO_RADIANS, transformation.dtype)
        return image_ops.rotation_transforms(radians, height, width)
