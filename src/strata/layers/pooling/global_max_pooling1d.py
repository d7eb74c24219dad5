"""``GlobalMaxPooling1D``: the maximum over all spatial positions of temporal data."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling (``keras.layers.GlobalMaxPooling1D``, alias ``GlobalMaxPool1D``).

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``); with channels first the spatial axes are ``2..``.
        keepdims: keep the spatial axes with length 1 instead of returning ``(batch, channels)``.

    Example:
        >>> GlobalMaxPooling1D().compute_output_shape((None, 9, 4))
        (None, 4)
    """

    _rank = 1
    _mode = "max"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


GlobalMaxPool1D = GlobalMaxPooling1D
