"""VGG19: VGG16 with four 3x3 convolutions in blocks 3, 4 and 5 (20,024,384 base parameters).

Same arguments, top, weights layout and ``"caffe"`` preprocessing as :mod:`strata.applications.vgg16`.
"""

from __future__ import annotations

from typing import Any

from strata.applications.vgg16 import VGG19_BLOCKS, build_vgg
from strata.applications.vgg16 import decode_predictions as decode_predictions
from strata.applications.vgg16 import preprocess_input as preprocess_input


def VGG19(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None, input_shape: Any = None,
          pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
          name: str = "vgg19") -> Any:
    """Builds VGG19, optionally with Keras's ImageNet weights (``keras.applications.VGG19``).

    Arguments as :func:`strata.applications.vgg16.VGG16`.

    Example:
        >>> VGG19(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        20024384
    """
    return build_vgg(VGG19_BLOCKS, "vgg19", include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name)
