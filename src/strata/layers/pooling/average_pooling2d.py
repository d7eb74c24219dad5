"""``AveragePooling2D``: the mean over sliding windows of images ``(batch, height, width, channels)``."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """Average pooling over the height and width (``keras.layers.AveragePooling2D``, alias ``AvgPool2D``).

    With ``padding="same"`` each window is divided by the number of real (unpadded)
    cells it covers, so border outputs are true means of the cells they see.

    Args:
        pool_size: an int or 2 ints, the window size (required).
        strides: an int, 2 ints, or ``None`` (the default: ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> AveragePooling2D((2, 2)).compute_output_shape((None, 28, 28, 32))
        (None, 14, 14, 32)
    """

    _rank = 2
    _mode = "average"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding=padding, data_format=data_format, **kwargs)


AvgPool2D = AveragePooling2D
