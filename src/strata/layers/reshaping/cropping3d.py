"""``Cropping3D``: crop the sides of 3D volumes (depth, height, width)."""

from __future__ import annotations

from typing import Any

from strata.layers.reshaping.cropping2d import BaseCropping


class Cropping3D(BaseCropping):
    """Crops the sides of volumes (``keras.layers.Cropping3D``).

    Args:
        cropping: an int ``c`` (``c`` on every side), three ints (one symmetric amount per
            spatial axis), or three ``(before, after)`` pairs.  The default crops one cell
            from every side.
        data_format: ``"channels_last"`` (``(batch, depth, height, width, channels)``) or
            ``"channels_first"`` (default: the global ``image_data_format()``).

    Example:
        >>> Cropping3D().compute_output_shape((None, 4, 5, 6, 3))
        (None, 2, 3, 4, 3)
    """

    _rank = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(cropping, data_format=data_format, **kwargs)
