"""``BaseSeparableConv``: a depthwise convolution, then a 1x1 convolution (``SeparableConv1D/2D``).

Weights, in order: ``depthwise_kernel`` ``(*kernel_size, in_channels, depth_multiplier)``,
``pointwise_kernel`` ``(1, ..., 1, in_channels * depth_multiplier, filters)`` and one ``bias``
``(filters,)`` added after the pointwise step.  Far fewer parameters than a full convolution:
``SeparableConv2D(16, 3)`` on 64 channels has 576 + 1,024 + 16 = 1,616.
"""

from __future__ import annotations

from typing import Any

import jax

from strata.layers.convolutional import conv_kernels
from strata.layers.convolutional.conv_layer import ConvLayer, check_positive_int


class BaseSeparableConv(ConvLayer):
    """Abstract N-D separable convolution (Keras's ``BaseSeparableConv``).

    Args:
        rank: the number of spatial axes (1 or 2).
        depth_multiplier: depthwise filters per input channel.
        filters: the number of output channels.
        kernel_size: an int or ``rank`` ints (the depthwise window).
        strides: an int or ``rank`` ints (of the depthwise step).
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or ``rank`` ints.
        activation: activation name or function (default: linear).
        use_bias: whether to add a bias after the pointwise step.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer:
            optional regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint: optional constraints.
    """

    _config_args = ("depth_multiplier", "filters", "kernel_size", "strides", "padding",
                    "data_format", "dilation_rate", "activation", "use_bias",
                    "depthwise_initializer", "pointwise_initializer", "bias_initializer",
                    "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                    "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
                    "bias_constraint")

    def __init__(self, rank: int, depth_multiplier: int, filters: int, kernel_size: Any,
                 strides: Any = 1, padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate)
        self.depth_multiplier = check_positive_int(depth_multiplier, "depth_multiplier")
        self.filters = check_positive_int(filters, "filters")
        self.use_bias = bool(use_bias)
        self.store_arguments(activation=activation, depthwise_initializer=depthwise_initializer,
                             pointwise_initializer=pointwise_initializer,
                             bias_initializer=bias_initializer,
                             depthwise_regularizer=depthwise_regularizer,
                             pointwise_regularizer=pointwise_regularizer,
                             bias_regularizer=bias_regularizer,
                             depthwise_constraint=depthwise_constraint,
                             pointwise_constraint=pointwise_constraint,
                             bias_constraint=bias_constraint)

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)
        channels = self._check_inputs(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self._make_bias(self.filters)
        self._mark_built(input_shape, channels)

    def call(self, inputs: jax.Array) -> jax.Array:
        self.compute_output_shape(inputs.shape)  # bad inputs fail here in Python, not in XLA
        outputs = conv_kernels.separable_convolve(
            inputs, self.depthwise_kernel.value, self.pointwise_kernel.value, strides=self.strides,
            padding=self.padding, dilation=self.dilation_rate, data_format=self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        channels = self._check_inputs(input_shape)
        return self._conv_output_shape(input_shape, self.filters,
                                       self.kernel_size + (channels, self.filters))
