"""``UpSampling3D``: repeat cells of 3D volumes along depth, height and width."""

from __future__ import annotations

from typing import Any

from strata.layers.reshaping.up_sampling2d import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    """Up-samples volumes by repeating each cell (``keras.layers.UpSampling3D``).

    Args:
        size: an int or three ints ``(depth, height, width)``, the up-sampling factors.
        data_format: ``"channels_last"`` (``(batch, depth, height, width, channels)``) or
            ``"channels_first"`` (default: the global ``image_data_format()``).

    Example:
        >>> UpSampling3D((1, 2, 3)).compute_output_shape((None, 2, 2, 2, 4))
        (None, 2, 4, 6, 4)
    """

    _rank = 3

    def __init__(self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(size, data_format=data_format, **kwargs)
