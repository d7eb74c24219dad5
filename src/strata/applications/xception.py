"""Xception (Chollet, 2017): Inception modules replaced by depthwise-separable convolutions.

Entry flow: two plain convolutions, then three blocks of two separable convolutions with a
strided 1x1 projection shortcut; middle flow: eight residual blocks of three separable
convolutions at 728 channels; exit flow: one more projecting block and two separable
convolutions (1536, 2048).  Minimum input 71x71, default 299.  Inputs use ``"tf"``
preprocessing.
"""

from __future__ import annotations

from typing import Any

from strata.applications import _builder, _weights, imagenet_utils


def _sep_bn(x: Any, filters: int, name: str) -> Any:
    from strata import layers

    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_builder.channel_axis(), name=f"{name}_bn")(x)


def _projection(x: Any, filters: int) -> Any:
    from strata import layers

    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=_builder.channel_axis())(residual)


def _entry_block(x: Any, filters: tuple[int, int], block: int, first: bool = False) -> Any:
    """Two separable convolutions and a strided max pooling, added to a projection."""
    from strata import layers

    residual = _projection(x, filters[1])
    if not first:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None, input_shape: Any = None,
             pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
             name: str = "xception") -> Any:
    """Builds Xception (``keras.applications.Xception``); inputs at least 71x71.

    Arguments as :func:`strata.applications.vgg16.VGG16`.

    Example:
        >>> Xception(weights=None, include_top=False, input_shape=(71, 71, 3)).count_params()
        20861480
    """
    from strata import config, layers

    _builder.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _entry_block(x, (128, 128), 2, first=True)
    x = _entry_block(x, (256, 256), 3)
    x = _entry_block(x, (728, 728), 4)
    for block in range(5, 13):
        residual = x
        for conv in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{conv}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{conv}")
        x = layers.add([x, residual])
    x = _entry_block(x, (728, 1024), 13)
    x = _sep_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = _builder.classifier_head(x, include_top, pooling, classes, classifier_activation, weights,
                                 (None, None))
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.weights_file("xception", include_top))


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"tf"`` preprocessing: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
