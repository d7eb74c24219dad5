"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks with linear bottlenecks.

Each block expands its input with a 1x1 convolution (``block_N_expand``, except the first block
``expanded_conv_``), filters it with a 3x3 depthwise convolution, and projects it back with a
1x1 convolution without activation (``_project``); blocks that keep shape add their input.
BatchNormalization uses ``epsilon=1e-3, momentum=0.999``; activations are ReLU6.  Channel
counts are rounded to multiples of 8.  Inputs use ``"tf"`` preprocessing.
"""

from __future__ import annotations

import warnings
from typing import Any

from strata.applications import _builder, _weights, imagenet_utils
from strata.applications.mobilenet import _rows_cols

# (filters, stride, expansion) of blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6))
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)


def make_divisible(value: float, divisor: int = 8) -> int:
    """``value`` rounded to the nearest multiple of ``divisor``, never down by more than 10%."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _bn(name: str) -> Any:
    from strata import layers

    return layers.BatchNormalization(axis=_builder.channel_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _inverted_residual(x: Any, filters: int, alpha: float, stride: int, expansion: int, block_id: int) -> Any:
    from strata import layers

    in_channels = x.shape[_builder.channel_axis()]
    out_channels = make_divisible(int(filters * alpha), 8)
    inputs = x
    prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          name=prefix + "expand")(x)
        x = _bn(prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=prefix + "depthwise")(x)
    x = _bn(prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(out_channels, kernel_size=1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = _bn(prefix + "project_BN")(x)
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


def MobileNetV2(input_shape: Any = None, alpha: float = 1.0, include_top: bool = True, weights: Any = "imagenet",
                input_tensor: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str | None = None) -> Any:
    """Builds MobileNetV2 (``keras.applications.MobileNetV2``); named ``mobilenetv2_{alpha:.2f}_{rows}``.

    Args:
        input_shape: ``(rows, cols, 3)``; ImageNet weights exist for square 96–224.
        alpha: width multiplier (0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 with ImageNet weights).
        Other arguments as :func:`strata.applications.vgg16.VGG16`.

    Example:
        >>> MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        2257984
    """
    from strata import config, layers

    _builder.check_arguments(weights, include_top, classes)
    shape_source = input_shape
    if shape_source is None and input_tensor is not None and hasattr(input_tensor, "shape"):
        shape_source = tuple(input_tensor.shape[1:])
    default_size = 224
    if shape_source is not None:
        rows, cols = _rows_cols(tuple(shape_source))
        default_size = rows if rows == cols and rows in _SIZES else 224
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                             f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, "
                          "224]. Weights for input shape (224, 224) will be loaded as the default.", stacklevel=2)
    img_input = _builder.image_input(input_tensor, input_shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
                      use_bias=False, name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_residual(x, filters, alpha, stride, expansion, block_id)
    last = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = _builder.classifier_head(x, include_top, pooling, classes, classifier_activation, weights, (None, None),
                                 top_pool_name=None)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.mobilenet_v2_file(alpha, rows, include_top))


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"tf"`` preprocessing: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
