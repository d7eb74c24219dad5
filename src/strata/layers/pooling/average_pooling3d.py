"""``AveragePooling3D``: the mean over sliding windows of 3D volumes (5D batches)."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Average pooling over depth, height, width (``keras.layers.AveragePooling3D``, alias ``AvgPool3D``).

    With ``padding="same"`` each window is divided by the number of real (unpadded)
    cells it covers, so border outputs are true means of the cells they see.

    Args:
        pool_size: an int or 3 ints, the window size (required).
        strides: an int, 3 ints, or ``None`` (the default: ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> AveragePooling3D(2).compute_output_shape((None, 8, 8, 8, 3))
        (None, 4, 4, 4, 3)
    """

    _rank = 3
    _mode = "average"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding=padding, data_format=data_format, **kwargs)


AvgPool3D = AveragePooling3D
