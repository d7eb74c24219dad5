"""``ImageNetPreprocessing``: ``preprocess_input`` recorded as a layer of a functional model.

Keras applies ``preprocess_input`` to a symbolic input by recording a chain of op nodes
(``GetItem``, ``Stack``, ``Subtract``…).  strata has no symbolic ops, so the same formula is one
small weightless layer instead; the model trains, predicts, saves and loads in strata (the layer
is registered as ``strata>ImageNetPreprocessing``).  Keras cannot read this layer from a strata
file, and strata cannot read Keras's op nodes: models that contain this step do not interchange.
"""

from __future__ import annotations

from typing import Any

from strata.layers.layer import Layer
from strata.saving.object_registration import register_keras_serializable


@register_keras_serializable(package="strata")
class ImageNetPreprocessing(Layer):
    """Applies a family's ImageNet pixel scaling (``"caffe"``, ``"tf"`` or ``"torch"``).

    Args:
        mode: the scaling formula (see :func:`strata.applications.imagenet_utils.preprocess_input`).
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> import numpy as np
        >>> layer = ImageNetPreprocessing(mode="tf", data_format="channels_last")
        >>> np.asarray(layer(np.full((1, 1, 1, 3), 255.0))).tolist()
        [[[[1.0, 1.0, 1.0]]]]
    """

    _config_args = ("mode", "data_format")

    def __init__(self, mode: str = "caffe", data_format: str = "channels_last", **kwargs: Any) -> None:
        from strata.applications.imagenet_utils import _check_format

        super().__init__(**kwargs)
        self.store_arguments(mode=mode, data_format=_check_format(mode, data_format))
        self.built = True

    def call(self, inputs: Any) -> Any:
        from strata.applications.imagenet_utils import apply_preprocessing

        return apply_preprocessing(inputs, self.mode, self.data_format).astype(self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)
