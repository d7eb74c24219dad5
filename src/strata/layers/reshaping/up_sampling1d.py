"""``UpSampling1D``: repeat each step of temporal data ``size`` times."""

from __future__ import annotations

from typing import Any

from strata.layers.reshaping.up_sampling2d import BaseUpSampling


class UpSampling1D(BaseUpSampling):
    """Repeats each step ``size`` times along the steps axis (``keras.layers.UpSampling1D``).

    Args:
        size: the up-sampling factor, a positive integer.

    Example:
        >>> UpSampling1D(3).compute_output_shape((None, 4, 2))
        (None, 12, 2)
    """

    _config_args = ("size",)
    _rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        if "data_format" in kwargs:  # the 1D layer works on (batch, steps, features) only
            raise ValueError(
                "Unrecognized keyword arguments passed to UpSampling1D: "
                f"{{'data_format': {kwargs['data_format']!r}}}. "
                "UpSampling1D takes (batch, steps, features) inputs and has no `data_format`."
            )
        super().__init__(size, data_format="channels_last", **kwargs)

    def _normalize(self, size: Any) -> int:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"Expected an integer value for `size`. Received: size={size!r} "
                            f"(of type {type(size).__name__})")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        return size

    def _sizes(self) -> tuple[int, ...]:
        return (self.size,)
