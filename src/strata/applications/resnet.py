"""ResNet v1 (He et al., 2015) and the stem/head that ResNet v2 shares.

A ResNet is a 7x7 stem (``conv1_*``, ``pool1_*``) followed by four stages ``conv2``–``conv5`` of
bottleneck blocks (1x1 reduce, 3x3, 1x1 expand by 4) added to a shortcut.  v1 normalises after
each convolution and adds before the ReLU; the first block of each stage has a projection
shortcut (``_0_conv``/``_0_bn``).  BatchNormalization uses ``epsilon=1.001e-5`` throughout.
Inputs use ``"caffe"`` preprocessing.
"""

from __future__ import annotations

from typing import Any, Callable

from strata.applications import _builder, _weights, imagenet_utils

BN_EPSILON = 1.001e-5


def _bn(name: str) -> Any:
    from strata import layers

    return layers.BatchNormalization(axis=_builder.channel_axis(), epsilon=BN_EPSILON, name=name)


def bottleneck_v1(x: Any, filters: int, stride: int = 1, projection: bool = True, name: str = "") -> Any:
    """One v1 bottleneck block; ``projection`` adds the 1x1 shortcut convolution."""
    from strata import layers

    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _bn(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _bn(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stage_v1(x: Any, filters: int, blocks: int, stride: int = 2, name: str = "") -> Any:
    """A v1 stage: a projecting (strided) block then ``blocks - 1`` identity blocks."""
    x = bottleneck_v1(x, filters, stride=stride, name=f"{name}_block1")
    for index in range(2, blocks + 1):
        x = bottleneck_v1(x, filters, projection=False, name=f"{name}_block{index}")
    return x


def build_resnet(stages: Callable[[Any], Any], preact: bool, use_bias: bool, weights_key: str,
                 include_top: bool, weights: Any, input_tensor: Any, input_shape: Any, pooling: str | None,
                 classes: int, classifier_activation: Any, name: str) -> Any:
    """Stem, ``stages(x)``, then the head; ``preact`` selects the v2 stem and final BN/ReLU."""
    from strata import config, layers

    _builder.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stages(x)
    if preact:
        x = _bn("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _builder.classifier_head(x, include_top, pooling, classes, classifier_activation, weights,
                                 ("avg_pool", "max_pool"))
    return _builder.finish(img_input, input_tensor, x, name, weights,
                           _weights.weights_file(weights_key, include_top))


def _v1(depths: tuple[int, int, int, int]) -> Callable[[Any], Any]:
    def stages(x: Any) -> Any:
        x = stage_v1(x, 64, depths[0], stride=1, name="conv2")
        x = stage_v1(x, 128, depths[1], name="conv3")
        x = stage_v1(x, 256, depths[2], name="conv4")
        return stage_v1(x, 512, depths[3], name="conv5")
    return stages


def ResNet50(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None, input_shape: Any = None,
             pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
             name: str = "resnet50") -> Any:
    """Builds ResNet50 (stages of 3, 4, 6, 3 blocks; ``keras.applications.ResNet50``).

    Arguments as :func:`strata.applications.vgg16.VGG16` (``pooling`` layers are named
    ``avg_pool``/``max_pool``).

    Example:
        >>> ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        23587712
    """
    return build_resnet(_v1((3, 4, 6, 3)), False, True, "resnet50", include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)


def ResNet101(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = "resnet101") -> Any:
    """Builds ResNet101 (stages of 3, 4, 23, 3 blocks); arguments as :func:`ResNet50`."""
    return build_resnet(_v1((3, 4, 23, 3)), False, True, "resnet101", include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)


def ResNet152(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = "resnet152") -> Any:
    """Builds ResNet152 (stages of 3, 8, 36, 3 blocks); arguments as :func:`ResNet50`."""
    return build_resnet(_v1((3, 8, 36, 3)), False, True, "resnet152", include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"caffe"`` preprocessing (BGR, ImageNet means subtracted)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
