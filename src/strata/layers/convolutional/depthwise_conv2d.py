"""``DepthwiseConv2D``: 2D depthwise convolution (each channel filtered on its own)."""

from __future__ import annotations

from typing import Any

from strata.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution (``keras.layers.DepthwiseConv2D``).

    Inputs are ``(batch, height, width, channels)`` (``channels_last``) or channels second.  The weight
    ``kernel`` has shape ``(*kernel_size, channels, depth_multiplier)``; output channel
    ``c * depth_multiplier + m`` is input channel ``c`` filtered by ``kernel[..., c, m]``.

    Args:
        kernel_size: an int or 2 ints.
        strides: an int or 2 ints.
        padding: ``"valid"`` or ``"same"``.
        depth_multiplier: filters per input channel.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or 2 ints.
        activation, use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
            bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint:
            as in ``Conv2D`` (``depthwise_*`` for the kernel).

    Example:
        >>> DepthwiseConv2D(3).compute_output_shape((None, 11, 11, 16))
        (None, 9, 9, 16)
    """

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 depth_multiplier: int = 1, data_format: str | None = None,
                 dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=2, depth_multiplier=depth_multiplier, kernel_size=kernel_size,
                         strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
