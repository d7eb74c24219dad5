"""``ZeroPadding1D``: add zeros at the start and end of the steps axis."""

from __future__ import annotations

from typing import Any

from strata.layers import conv_utils
from strata.layers.reshaping.zero_padding2d import BaseZeroPadding


class ZeroPadding1D(BaseZeroPadding):
    """Pads temporal data with zeros along the steps axis (``keras.layers.ZeroPadding1D``).

    Args:
        padding: an int ``p`` (``p`` zeros at both ends) or a pair ``(start, end)``.
        data_format: ``"channels_last"`` (``(batch, steps, features)``) or ``"channels_first"``
            (``(batch, features, steps)``); default: the global ``image_data_format()``.

    Example:
        >>> ZeroPadding1D((1, 2)).compute_output_shape((None, 5, 3))
        (None, 8, 3)
    """

    _rank = 1

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)

    def _normalize(self, padding: Any) -> tuple[int, int]:
        return conv_utils.normalize_tuple(padding, 2, "padding", allow_zero=True)

    def _pairs(self) -> tuple[tuple[int, int], ...]:
        return (self.padding,)
