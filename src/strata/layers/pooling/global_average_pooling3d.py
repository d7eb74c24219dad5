"""``GlobalAveragePooling3D``: the mean over all spatial positions of volumes."""

from __future__ import annotations

from typing import Any

from strata.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Global average pooling (``keras.layers.GlobalAveragePooling3D``, alias ``GlobalAvgPool3D``).

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global
            ``image_data_format()``); with channels first the spatial axes are ``2..``.
        keepdims: keep the spatial axes with length 1 instead of returning ``(batch, channels)``.

    Example:
        >>> GlobalAveragePooling3D().compute_output_shape((None, 3, 5, 5, 4))
        (None, 4)
    """

    _rank = 3
    _mode = "average"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


GlobalAvgPool3D = GlobalAveragePooling3D
