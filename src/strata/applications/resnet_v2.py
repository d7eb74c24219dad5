"""ResNet v2 (He et al., 2016): pre-activation bottlenecks.

Each block normalises and activates its input first (``_preact_bn``/``_preact_relu``), its
convolutions have no bias except the last, and the block output is the plain sum ``_out``.  The
stride sits on the *last* block of a stage (3x3 convolution after an explicit ``_2_pad``), with
a 1x1 max pooling on the identity shortcut; the network ends with ``post_bn``/``post_relu``.
Inputs use ``"tf"`` preprocessing (``x / 127.5 - 1``).
"""

from __future__ import annotations

from typing import Any, Callable

from strata.applications import imagenet_utils
from strata.applications.resnet import _bn, build_resnet


def bottleneck_v2(x: Any, filters: int, stride: int = 1, projection: bool = False, name: str = "") -> Any:
    """One pre-activation bottleneck; ``projection`` gives the 1x1 shortcut convolution."""
    from strata import layers

    preact = _bn(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _bn(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stage_v2(x: Any, filters: int, blocks: int, stride: int = 2, name: str = "") -> Any:
    """A v2 stage: projecting first block, identity blocks, strided last block."""
    x = bottleneck_v2(x, filters, projection=True, name=f"{name}_block1")
    for index in range(2, blocks):
        x = bottleneck_v2(x, filters, name=f"{name}_block{index}")
    return bottleneck_v2(x, filters, stride=stride, name=f"{name}_block{blocks}")


def _v2(depths: tuple[int, int, int, int]) -> Callable[[Any], Any]:
    def stages(x: Any) -> Any:
        x = stage_v2(x, 64, depths[0], name="conv2")
        x = stage_v2(x, 128, depths[1], name="conv3")
        x = stage_v2(x, 256, depths[2], name="conv4")
        return stage_v2(x, 512, depths[3], stride=1, name="conv5")
    return stages


def ResNet50V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
               input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
               classifier_activation: Any = "softmax", name: str = "resnet50v2") -> Any:
    """Builds ResNet50V2 (``keras.applications.ResNet50V2``); arguments as ``ResNet50``.

    Example:
        >>> ResNet50V2(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        23564800
    """
    return build_resnet(_v2((3, 4, 6, 3)), True, True, "resnet50v2", include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)


def ResNet101V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "resnet101v2") -> Any:
    """Builds ResNet101V2 (stages of 3, 4, 23, 3 blocks)."""
    return build_resnet(_v2((3, 4, 23, 3)), True, True, "resnet101v2", include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)


def ResNet152V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "resnet152v2") -> Any:
    """Builds ResNet152V2 (stages of 3, 8, 36, 3 blocks)."""
    return build_resnet(_v2((3, 8, 36, 3)), True, True, "resnet152v2", include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``"tf"`` preprocessing: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes of each prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
