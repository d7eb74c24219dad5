"""``SeparableConv2D`` (alias ``SeparableConvolution2D``): depthwise then pointwise 2D convolution."""

from __future__ import annotations

from typing import Any

from strata.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution (``keras.layers.SeparableConv2D``).

    Inputs are ``(batch, height, width, channels)`` (``channels_last``) or channels second.  A depthwise
    convolution (``depthwise_kernel``: ``(*kernel_size, channels, depth_multiplier)``) followed by
    a 1x1 convolution (``pointwise_kernel``: ``(1, 1, channels * depth_multiplier, filters)``)
    and one bias.

    Args:
        filters: the number of output channels.
        kernel_size: an int or 2 ints (the depthwise window).
        strides: an int or 2 ints.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or 2 ints.
        depth_multiplier: depthwise filters per input channel (after ``dilation_rate`` here).
        activation, use_bias: as in ``Conv2D``.
        depthwise_initializer, pointwise_initializer, bias_initializer,
            depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint: per weight.

    Example:
        >>> SeparableConv2D(16, 3).compute_output_shape((None, 13, 13, 64))
        (None, 11, 11, 16)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = (1, 1),
                 depth_multiplier: int = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=2, depth_multiplier=depth_multiplier, filters=filters,
                         kernel_size=kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)


SeparableConvolution2D = SeparableConv2D
