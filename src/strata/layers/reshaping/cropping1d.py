"""``Cropping1D``: crop steps off the start and end of temporal data."""

from __future__ import annotations

from typing import Any

from strata.layers import conv_utils
from strata.layers.reshaping.cropping2d import BaseCropping


class Cropping1D(BaseCropping):
    """Crops the steps axis of ``(batch, steps, features)`` inputs (``keras.layers.Cropping1D``).

    Unlike the 2D layer, the default crops: one step from each end.

    Args:
        cropping: an int ``c`` (``c`` steps from both ends) or a pair ``(start, end)``.

    Example:
        >>> Cropping1D().compute_output_shape((None, 5, 3))
        (None, 3, 3)
    """

    _config_args = ("cropping",)
    _rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        if "data_format" in kwargs:  # the 1D layer works on (batch, steps, features) only
            raise ValueError(
                "Unrecognized keyword arguments passed to Cropping1D: "
                f"{{'data_format': {kwargs['data_format']!r}}}. "
                "Cropping1D takes (batch, steps, features) inputs and has no `data_format`."
            )
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def _normalize(self, cropping: Any) -> tuple[int, int]:
        return conv_utils.normalize_tuple(cropping, 2, "cropping", allow_zero=True)

    def _pairs(self) -> tuple[tuple[int, int], ...]:
        return (self.cropping,)
