"""``MaxPooling1D``: the maximum over sliding windows of temporal data ``(batch, steps, features)``."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max pooling over the steps (``keras.layers.MaxPooling1D``, alias ``MaxPool1D``).

    With ``padding="same"`` the border is padded with ``-inf``, so the padding never
    wins over a real (even negative) value.

    Args:
        pool_size: an int or 1 ints, the window size (default ``2``).
        strides: an int, 1 ints, or ``None`` (the default: ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``).

    Example:
        >>> MaxPooling1D().compute_output_shape((None, 9, 4))
        (None, 4, 4)
    """

    _rank = 1
    _mode = "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding=padding, data_format=data_format, **kwargs)


MaxPool1D = MaxPooling1D
