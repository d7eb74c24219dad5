"""``ZeroPadding3D``: add zeros around 3D volumes (depth, height, width)."""

from __future__ import annotations

from typing import Any

from strata.layers.reshaping.zero_padding2d import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Pads volumes with zeros on each side (``keras.layers.ZeroPadding3D``).

    Args:
        padding: an int ``p`` (``p`` on every side), three ints (one symmetric amount per
            spatial axis), or three ``(before, after)`` pairs.
        data_format: ``"channels_last"`` (``(batch, depth, height, width, channels)``) or
            ``"channels_first"`` (default: the global ``image_data_format()``).

    Example:
        >>> ZeroPadding3D((1, 0, 2)).compute_output_shape((None, 4, 4, 4, 3))
        (None, 6, 4, 8, 3)
    """

    _rank = 3

    def __init__(self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)
