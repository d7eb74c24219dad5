"""``DepthwiseConv1D``: 1D depthwise convolution (each channel filtered on its own)."""

from __future__ import annotations

from typing import Any

from strata.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution (``keras.layers.DepthwiseConv1D``).

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or channels second.  The weight
    ``kernel`` has shape ``(*kernel_size, channels, depth_multiplier)``; output channel
    ``c * depth_multiplier + m`` is input channel ``c`` filtered by ``kernel[..., c, m]``.

    Args:
        kernel_size: an int or 1 ints.
        strides: an int or 1 ints.
        padding: ``"valid"`` or ``"same"``.
        depth_multiplier: filters per input channel.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or 1 ints.
        activation, use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
            bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint:
            as in ``Conv1D`` (``depthwise_*`` for the kernel).

    Example:
        >>> DepthwiseConv1D(3, depth_multiplier=2).compute_output_shape((None, 10, 4))
        (None, 8, 8)
    """

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 depth_multiplier: int = 1, data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=1, depth_multiplier=depth_multiplier, kernel_size=kernel_size,
                         strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
