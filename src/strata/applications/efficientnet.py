"""EfficientNet B0–B3 (Tan & Le, 2019): MBConv blocks scaled in width, depth and resolution.

The model contains its own preprocessing (``Rescaling(1/255)`` and a ``Normalization`` layer
whose mean/variance come with the weights), so ``preprocess_input`` returns its input unchanged.
Blocks (``block{stage}{letter}_``) expand with a 1x1 convolution, filter depthwise, apply
squeeze-and-excitation (``se_*``), project, and add a (drop-connect) residual when shapes allow.
Activations are swish; kernel initialisers are Keras's variance-scaling choices.
"""

from __future__ import annotations

import math
from typing import Any

from strata.applications import _builder, _weights, imagenet_utils

# kernel, repeats, filters_in, filters_out, expand_ratio, strides (se_ratio 0.25, id_skip everywhere)
_STAGES = ((3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
           (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1))
# variant -> width, depth, default size, dropout
_VARIANTS = {"b0": (1.0, 1.0, 224, 0.2), "b1": (1.0, 1.1, 240, 0.2), "b2": (1.1, 1.2, 260, 0.3),
             "b3": (1.2, 1.4, 300, 0.3)}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
_CONV_INIT = {"class_name": "VarianceScaling",
              "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
_DENSE_INIT = {"class_name": "VarianceScaling",
               "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}
_DROP_CONNECT = 0.2


def round_filters(filters: float, width: float, divisor: int = 8) -> int:
    """Channels scaled by ``width`` and rounded to a multiple of 8 (never down by over 10%)."""
    filters *= width
    rounded = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    return int(rounded + divisor if rounded < 0.9 * filters else rounded)


def _mbconv(x: Any, drop_rate: float, name: str, filters_in: int, filters_out: int, kernel: int, strides: int,
            expand_ratio: int) -> Any:
    from strata import layers

    axis = _builder.channel_axis()
    inputs = x
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=_CONV_INIT,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = layers.Activation("swish", name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel, strides=strides, padding="valid" if strides == 2 else "same", use_bias=False,
                               depthwise_initializer=_CONV_INIT, name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}bn")(x)
    x = layers.Activation("swish", name=f"{name}activation")(x)
    squeezed = max(1, int(filters_in * 0.25))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((1, 1, filters) if axis == 3 else (filters, 1, 1), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(squeezed, 1, padding="same", activation="swish", kernel_initializer=_CONV_INIT,
                       name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=_CONV_INIT,
                       name=f"{name}se_expand")(se)
    x = layers.multiply([x, se], name=f"{name}se_excite")
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=_CONV_INIT,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def build_efficientnet(variant: str, include_top: bool, weights: Any, input_tensor: Any, input_shape: Any,
                       pooling: str | None, classes: int, classifier_activation: Any, name: str) -> Any:
    """EfficientNet-``variant`` (``"b0"`` … ``"b3"``)."""
    from strata import config, layers

    width, depth, default_size, dropout_rate = _VARIANTS[variant]
    _builder.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    axis = _builder.channel_axis()
    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        # The published weights divide by the variance; Normalization divides by its square root.
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32, width), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=_CONV_INIT, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)
    repeats = [int(math.ceil(depth * stage[1])) for stage in _STAGES]
    total, done = float(sum(repeats)), 0
    for stage, ((kernel, _, f_in, f_out, expand, strides), count) in enumerate(zip(_STAGES, repeats), start=1):
        f_in, f_out = round_filters(f_in, width), round_filters(f_out, width)
        for index in range(count):
            x = _mbconv(x, _DROP_CONNECT * done / total, f"block{stage}{chr(97 + index)}_",
                        f_in if index == 0 else f_out, f_out, kernel, strides if index == 0 else 1, expand)
            done += 1
    x = layers.Conv2D(round_filters(1280, width), 1, padding="same", use_bias=False, kernel_initializer=_CONV_INIT,
                      name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    x = _builder.classifier_head(x, include_top, pooling, classes, classifier_activation, weights,
                                 ("avg_pool", "max_pool"), dropout_rate=dropout_rate,
                                 dense_kwargs={"kernel_initializer": _DENSE_INIT})
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.weights_file(f"efficientnet{variant}", include_top))


def _constructor(variant: str) -> Any:
    def build(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = f"efficientnet{variant}") -> Any:
        return build_efficientnet(variant, include_top, weights, input_tensor, input_shape, pooling, classes,
                                  classifier_activation, name)

    build.__name__ = build.__qualname__ = f"EfficientNet{variant.upper()}"
    build.__doc__ = (f"Builds EfficientNet{variant.upper()} (``keras.applications.EfficientNet{variant.upper()}``).\n\n"
                     "    Arguments as :func:`strata.applications.vgg16.VGG16`; default input size "
                     f"{_VARIANTS[variant][2]}.\n")
    return build


EfficientNetB0 = _constructor("b0")
EfficientNetB1 = _constructor("b1")
EfficientNetB2 = _constructor("b2")
EfficientNetB3 = _constructor("b3")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """The identity: EfficientNet models rescale and normalise inside the model."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
