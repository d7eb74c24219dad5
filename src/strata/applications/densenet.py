"""DenseNet (Huang et al., 2017): every layer of a dense block sees all earlier feature maps.

A block layer (``convN_blockM``) is BN-ReLU-1x1 conv (128 filters) then BN-ReLU-3x3 conv (32,
the growth rate), concatenated onto its input; transitions (``poolN``) halve the channels with
a 1x1 convolution and the size with 2x2 average pooling.  BatchNormalization uses
``epsilon=1.001e-5``.  Inputs use ``"torch"`` preprocessing.
"""

from __future__ import annotations

from typing import Any

from strata.applications import _builder, _weights, imagenet_utils

_EPSILON = 1.001e-5
_GROWTH = 32


def _bn(name: str) -> Any:
    from strata import layers

    return layers.BatchNormalization(axis=_builder.channel_axis(), epsilon=_EPSILON, name=name)


def _dense_layer(x: Any, name: str) -> Any:
    from strata import layers

    y = _bn(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * _GROWTH, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _bn(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(_GROWTH, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=_builder.channel_axis(), name=f"{name}_concat")([x, y])


def _transition(x: Any, name: str) -> Any:
    from strata import layers

    x = _bn(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[_builder.channel_axis()] * 0.5), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def build_densenet(blocks: tuple[int, int, int, int], include_top: bool, weights: Any, input_tensor: Any,
                   input_shape: Any, pooling: str | None, classes: int, classifier_activation: Any, name: str) -> Any:
    """A DenseNet with ``blocks[i]`` layers in dense block ``i``."""
    from strata import config, layers

    _builder.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        for index in range(1, count + 1):
            x = _dense_layer(x, f"conv{stage}_block{index}")
        if stage < 5:
            x = _transition(x, f"pool{stage}")
    x = _bn("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _builder.classifier_head(x, include_top, pooling, classes, classifier_activation, weights,
                                 ("avg_pool", "max_pool"))
    key = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169", (6, 12, 48, 32): "densenet201"}
    imagenet_file = _weights.weights_file(key[tuple(blocks)], include_top) if tuple(blocks) in key else None
    if weights == "imagenet" and imagenet_file is None:
        raise ValueError(f"There are no ImageNet weights for a DenseNet with blocks={blocks}. Use weights=None.")
    return _builder.finish(img_input, input_tensor, x, name, weights, imagenet_file)


def DenseNet121(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet121") -> Any:
    """Builds DenseNet121 (blocks of 6, 12, 24, 16 layers; ``keras.applications.DenseNet121``).

    Arguments as :func:`strata.applications.vgg16.VGG16`.

    Example:
        >>> DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        7037504
    """
    return build_densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling, classes,
                          classifier_activation, name)


def DenseNet169(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet169") -> Any:
    """Builds DenseNet169 (blocks of 6, 12, 32, 32 layers)."""
    return build_densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling, classes,
                          classifier_activation, name)


def DenseNet201(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet201") -> Any:
    """Builds DenseNet201 (blocks of 6, 12, 48, 32 layers)."""
    return build_densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling, classes,
                          classifier_activation, name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"torch"`` preprocessing: ``x / 255`` standardised with the ImageNet mean and std."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
