"""VGG16 (Simonyan & Zisserman, 2014): five blocks of 3x3 convolutions and 2x2 max pooling.

The convolutional base has 14,714,688 parameters; the classifier top (``flatten``, ``fc1``,
``fc2``, ``predictions``) adds 123,642,856 more at 224x224.  Inputs are preprocessed in
``"caffe"`` mode (BGR, ImageNet means subtracted).  VGG19 (:mod:`strata.applications.vgg19`)
differs only in having four convolutions in blocks 3–5.
"""

from __future__ import annotations

from typing import Any

from strata.applications import _builder, _weights, imagenet_utils

VGG16_BLOCKS = (2, 2, 3, 3, 3)
VGG19_BLOCKS = (2, 2, 4, 4, 4)
_FILTERS = (64, 128, 256, 512, 512)


def build_vgg(blocks: tuple[int, ...], weights_key: str, include_top: bool, weights: Any, input_tensor: Any,
              input_shape: Any, pooling: str | None, classes: int, classifier_activation: Any, name: str) -> Any:
    """A VGG network with ``blocks[i]`` convolutions in block ``i + 1``."""
    from strata import layers

    _builder.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    x = img_input
    for block, (convs, filters) in enumerate(zip(blocks, _FILTERS), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pooled(x, pooling)
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.weights_file(weights_key, include_top))


def _data_format() -> str:
    from strata import config

    return config.image_data_format()


def VGG16(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None, input_shape: Any = None,
          pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
          name: str = "vgg16") -> Any:
    """Builds VGG16, optionally with Keras's ImageNet weights (``keras.applications.VGG16``).

    Args:
        include_top: whether to include the three fully-connected layers at the top.
        weights: ``"imagenet"`` (Keras's published file, downloaded once into Keras's cache),
            `None` (random initialisation), or the path of a weights file (legacy ``.h5`` or
            ``.weights.h5``).
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: ``(height, width, 3)``; at least 32x32.  Required static with the top
            unless it is the default ``(224, 224, 3)``.
        pooling: without the top, ``None`` (4-D feature map), ``"avg"`` or ``"max"``.
        classes: number of classes (1000 with ImageNet weights and the top).
        classifier_activation: activation of ``predictions``; `None` returns logits.
        name: the model's name.

    Returns:
        A functional ``Model``.

    Example:
        >>> base = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        >>> base.count_params()
        14714688
    """
    return build_vgg(VGG16_BLOCKS, "vgg16", include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"caffe"`` preprocessing: RGB to BGR, ImageNet means subtracted (see ``imagenet_utils``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
