"""``MaxPooling2D``: the maximum over sliding windows of images ``(batch, height, width, channels)``."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Max pooling over the height and width (``keras.layers.MaxPooling2D``, alias ``MaxPool2D``).

    With ``padding="same"`` the border is padded with ``-inf``, so the padding never
    wins over a real (even negative) value.

    Args:
        pool_size: an int or 2 ints, the window size (default ``(2, 2)``).
        strides: an int, 2 ints, or ``None`` (the default: ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> MaxPooling2D().compute_output_shape((None, 28, 28, 32))
        (None, 14, 14, 32)
    """

    _rank = 2
    _mode = "max"

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding=padding, data_format=data_format, **kwargs)


MaxPool2D = MaxPooling2D
