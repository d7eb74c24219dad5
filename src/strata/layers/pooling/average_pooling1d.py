"""``AveragePooling1D``: the mean over sliding windows of temporal data ``(batch, steps, features)``."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling over the steps (``keras.layers.AveragePooling1D``, alias ``AvgPool1D``).

    With ``padding="same"`` each window is divided by the number of real (unpadded)
    cells it covers, so border outputs are true means of the cells they see.

    Args:
        pool_size: an int or 1 ints, the window size (required).
        strides: an int, 1 ints, or ``None`` (the default: ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> AveragePooling1D(2).compute_output_shape((None, 9, 4))
        (None, 4, 4)
    """

    _rank = 1
    _mode = "average"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding=padding, data_format=data_format, **kwargs)


AvgPool1D = AveragePooling1D
