"""``GlobalAveragePooling2D``: the mean over all spatial positions of images."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling (``keras.layers.GlobalAveragePooling2D``, alias ``GlobalAvgPool2D``).

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``); with channels first the spatial axes are ``2..``.
        keepdims: keep the spatial axes with length 1 instead of returning ``(batch, channels)``.

    Example:
        >>> GlobalAveragePooling2D().compute_output_shape((None, 7, 7, 4))
        (None, 4)
    """

    _rank = 2
    _mode = "average"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


GlobalAvgPool2D = GlobalAveragePooling2D
