"""InceptionV3 (Szegedy et al., 2015): parallel branches of factorised convolutions.

A stem of five convolutions and two max poolings feeds eleven Inception modules ``mixed0`` …
``mixed10`` (35x35, 17x17 with 1x7/7x1 factorisations, and 8x8 with split 1x3/3x1 branches).
Every convolution is bias-free, followed by BatchNormalization with ``scale=False`` and ReLU;
as in Keras those layers are left to name themselves (``conv2d``, ``batch_normalization``,
``activation`` with counters).  Minimum input 75x75, default 299.  ``"tf"`` preprocessing.
"""

from __future__ import annotations

from typing import Any

from strata.applications import _builder, _weights, imagenet_utils


def conv_bn(x: Any, filters: int, rows: int, cols: int, padding: str = "same", strides: tuple = (1, 1)) -> Any:
    """Conv (no bias) + BatchNormalization(scale=False) + ReLU, all auto-named."""
    from strata import layers

    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=_builder.channel_axis(), scale=False)(x)
    return layers.Activation("relu")(x)


def _avg_branch(x: Any, filters: int) -> Any:
    from strata import layers

    return conv_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def _module_35(x: Any, pool_filters: int, name: str) -> Any:
    from strata import layers

    b1 = conv_bn(x, 64, 1, 1)
    b5 = conv_bn(conv_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv_bn(conv_bn(conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    bp = _avg_branch(x, pool_filters)
    return layers.concatenate([b1, b5, b3, bp], axis=_builder.channel_axis(), name=name)


def _module_17(x: Any, width: int, name: str) -> Any:
    from strata import layers

    b1 = conv_bn(x, 192, 1, 1)
    b7 = conv_bn(conv_bn(conv_bn(x, width, 1, 1), width, 1, 7), 192, 7, 1)
    bd = conv_bn(x, width, 1, 1)
    for filters, rows, cols in ((width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)):
        bd = conv_bn(bd, filters, rows, cols)
    bp = _avg_branch(x, 192)
    return layers.concatenate([b1, b7, bd, bp], axis=_builder.channel_axis(), name=name)


def _module_8(x: Any, index: int) -> Any:
    from strata import layers

    axis = _builder.channel_axis()
    b1 = conv_bn(x, 320, 1, 1)
    b3 = conv_bn(x, 384, 1, 1)
    b3 = layers.concatenate([conv_bn(b3, 384, 1, 3), conv_bn(b3, 384, 3, 1)], axis=axis, name=f"mixed9_{index}")
    bd = conv_bn(conv_bn(x, 448, 1, 1), 384, 3, 3)
    bd = layers.concatenate([conv_bn(bd, 384, 1, 3), conv_bn(bd, 384, 3, 1)], axis=axis)
    bp = _avg_branch(x, 192)
    return layers.concatenate([b1, b3, bd, bp], axis=axis, name=f"mixed{9 + index}")


def InceptionV3(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "inception_v3") -> Any:
    """Builds InceptionV3 (``keras.applications.InceptionV3``); inputs at least 75x75.

    Arguments as :func:`strata.applications.vgg16.VGG16`.

    Example:
        >>> InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3)).count_params()
        21802784
    """
    from strata import config, layers

    _builder.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    x = conv_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv_bn(x, 32, 3, 3, padding="valid")
    x = conv_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv_bn(x, 80, 1, 1, padding="valid")
    x = conv_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _module_35(x, 32, "mixed0")
    x = _module_35(x, 64, "mixed1")
    x = _module_35(x, 64, "mixed2")
    b3 = conv_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv_bn(conv_bn(conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, bd, bp], axis=axis, name="mixed3")
    x = _module_17(x, 128, "mixed4")
    x = _module_17(x, 160, "mixed5")
    x = _module_17(x, 160, "mixed6")
    x = _module_17(x, 192, "mixed7")
    b3 = conv_bn(conv_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv_bn(conv_bn(conv_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = conv_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, b7, bp], axis=axis, name="mixed8")
    x = _module_8(x, 0)
    x = _module_8(x, 1)
    x = _builder.classifier_head(x, include_top, pooling, classes, classifier_activation, weights, (None, None))
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.weights_file("inception_v3", include_top))


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"tf"`` preprocessing: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
