"""``BaseDepthwiseConv``: each channel convolved on its own (``DepthwiseConv1D/2D``).

The weight is named ``kernel`` (not ``depthwise_kernel``) with shape
``(*kernel_size, in_channels, depth_multiplier)``; the output has ``in_channels *
depth_multiplier`` channels, channel ``c * depth_multiplier + m`` being input channel ``c``
convolved with ``kernel[..., c, m]``, plus one bias of that size.  Unlike ``Conv``, Keras allows
``strides > 1`` together with ``dilation_rate > 1`` here, and so does strata.
"""

from __future__ import annotations

from typing import Any

import jax

from strata.layers.convolutional import conv_kernels
from strata.layers.convolutional.conv_layer import ConvLayer, check_positive_int


class BaseDepthwiseConv(ConvLayer):
    """Abstract N-D depthwise convolution (Keras's ``BaseDepthwiseConv``).

    Args:
        rank: the number of spatial axes (1 or 2).
        depth_multiplier: the number of filters per input channel.
        kernel_size: an int or ``rank`` ints.
        strides: an int or ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or ``rank`` ints.
        activation: activation name or function (default: linear).
        use_bias: whether to add a bias of size ``in_channels * depth_multiplier``.
        depthwise_initializer, bias_initializer: initializers (``"glorot_uniform"``, ``"zeros"``).
        depthwise_regularizer, bias_regularizer, activity_regularizer: optional regularizers.
        depthwise_constraint, bias_constraint: optional constraints.
    """

    _config_args = ("depth_multiplier", "kernel_size", "strides", "padding", "data_format",
                    "dilation_rate", "activation", "use_bias", "depthwise_initializer",
                    "bias_initializer", "depthwise_regularizer", "bias_regularizer",
                    "activity_regularizer", "depthwise_constraint", "bias_constraint")

    def __init__(self, rank: int, depth_multiplier: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate)
        self.depth_multiplier = check_positive_int(depth_multiplier, "depth_multiplier")
        self.use_bias = bool(use_bias)
        self.store_arguments(activation=activation, depthwise_initializer=depthwise_initializer,
                             bias_initializer=bias_initializer,
                             depthwise_regularizer=depthwise_regularizer,
                             bias_regularizer=bias_regularizer,
                             depthwise_constraint=depthwise_constraint,
                             bias_constraint=bias_constraint)

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)
        channels = self._check_inputs(input_shape)
        self.kernel = self.add_weight(name="kernel",
                                      shape=self.kernel_size + (channels, self.depth_multiplier),
                                      initializer=self.depthwise_initializer,
                                      regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint)
        self.bias = self._make_bias(channels * self.depth_multiplier)
        self._mark_built(input_shape, channels)

    def call(self, inputs: jax.Array) -> jax.Array:
        self.compute_output_shape(inputs.shape)  # bad inputs fail here in Python, not in XLA
        outputs = conv_kernels.depthwise_convolve(
            inputs, self.kernel.value, strides=self.strides, padding=self.padding,
            dilation=self.dilation_rate, data_format=self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        channels = self._check_inputs(input_shape)
        out_channels = channels * self.depth_multiplier
        return self._conv_output_shape(input_shape, out_channels,
                                       self.kernel_size + (channels, out_channels))
