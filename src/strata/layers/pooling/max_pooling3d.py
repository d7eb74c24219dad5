"""``MaxPooling3D``: the maximum over sliding windows of 3D volumes (5D batches)."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """Max pooling over depth, height, width (``keras.layers.MaxPooling3D``, alias ``MaxPool3D``).

    With ``padding="same"`` the border is padded with ``-inf``, so the padding never
    wins over a real (even negative) value.

    Args:
        pool_size: an int or 3 ints, the window size (default ``(2, 2, 2)``).
        strides: an int, 3 ints, or ``None`` (the default: ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> MaxPooling3D().compute_output_shape((None, 8, 8, 8, 3))
        (None, 4, 4, 4, 3)
    """

    _rank = 3
    _mode = "max"

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding=padding, data_format=data_format, **kwargs)


MaxPool3D = MaxPooling3D
