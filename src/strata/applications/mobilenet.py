"""MobileNet v1 (Howard et al., 2017): depthwise-separable convolutions with a width multiplier.

A 3x3 stem (``conv1``) is followed by 13 blocks of a 3x3 depthwise convolution and a 1x1
pointwise convolution, each with BatchNormalization and ReLU6.  Strided blocks pad explicitly
(``conv_pad_N``, bottom/right only) and use ``valid`` padding.  ``alpha`` scales the number of
filters; ``depth_multiplier`` the depthwise channels.  The top is a 1x1 convolution
(``conv_preds``) on the pooled features.  Inputs use ``"tf"`` preprocessing.
"""

from __future__ import annotations

import warnings
from typing import Any

from strata.applications import _builder, _weights, imagenet_utils

# (pointwise filters, stride) of blocks 1..13
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
           (512, 1), (512, 1), (1024, 2), (1024, 1))
_SIZES = (128, 160, 192, 224)


def _separable_block(x: Any, filters: int, alpha: float, depth_multiplier: int, stride: int, block_id: int) -> Any:
    from strata import layers

    axis = _builder.channel_axis()
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier,
                               strides=(stride, stride), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _rows_cols(input_shape: tuple) -> tuple[Any, Any]:
    from strata import config

    spatial = input_shape[:2] if config.image_data_format() == "channels_last" else input_shape[1:]
    return spatial[0], spatial[1]


def MobileNet(input_shape: Any = None, alpha: float = 1.0, depth_multiplier: int = 1, dropout: float = 1e-3,
              include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
              name: str | None = None) -> Any:
    """Builds MobileNet v1 (``keras.applications.MobileNet``); named ``mobilenet_{alpha:.2f}_{rows}``.

    Args:
        input_shape: ``(rows, cols, 3)``; ImageNet weights exist for square 128, 160, 192, 224.
        alpha: width multiplier (0.25, 0.5, 0.75 or 1.0 with ImageNet weights).
        depth_multiplier: depthwise channel multiplier (1 with ImageNet weights).
        dropout: dropout rate before the top convolution.
        Other arguments as :func:`strata.applications.vgg16.VGG16`.

    Example:
        >>> MobileNet(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        3228864
    """
    from strata import config, layers

    _builder.check_arguments(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = _rows_cols(tuple(input_shape))
        default_size = rows if rows == cols and rows in _SIZES else 224
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.5, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, "
                             f"`0.75` or `1.0` only.  Received alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [128, 160, 192, "
                          "224]. Weights for input shape (224, 224) will be loaded as the default.", stacklevel=2)
    img_input = _builder.image_input(input_tensor, input_shape)
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(img_input)
    x = layers.BatchNormalization(axis=_builder.channel_axis(), name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _separable_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pooled(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.mobilenet_file(alpha, rows, include_top))


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"tf"`` preprocessing: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
