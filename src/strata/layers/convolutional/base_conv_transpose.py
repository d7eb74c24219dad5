"""``BaseConvTranspose``: the transposed convolution behind ``Conv1D/2D/3DTranspose``.

The gradient of a convolution with respect to its input, used to upsample: each input pixel
scatters ``x[i] * kernel[h]`` into ``out[s*i + h]``.  The kernel is ``(*kernel_size, filters,
in_channels)``: output and input channels swapped relative to ``Conv``.  Output length per spatial
axis (``k_eff = dilation * (k - 1) + 1``, ``op`` = ``output_padding``):

============  ===========================  ===============================
padding       ``output_padding=None``      ``output_padding`` given
============  ===========================  ===============================
``valid``     ``(n-1)*s + max(k_eff, s)``  ``(n-1)*s + k_eff + op``
``same``      ``n*s``                      ``(n-1)*s + k_eff % 2 + op``
============  ===========================  ===============================
"""

from __future__ import annotations

from typing import Any

import jax

from strata.layers import conv_utils
from strata.layers.convolutional import conv_kernels
from strata.layers.convolutional.conv_layer import ConvLayer, check_positive_int


def transpose_output_length(length: int | None, kernel: int, padding: str, stride: int,
                            dilation: int = 1, output_padding: int | None = None) -> int | None:
    """Size of one spatial axis after a transposed convolution (``None`` stays ``None``)."""
    if length is None:
        return None
    effective = dilation * (kernel - 1) + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return (length - 1) * stride + effective + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + effective % 2 + output_padding


class BaseConvTranspose(ConvLayer):
    """Abstract N-D transposed convolution (Keras's ``BaseConvTranspose``).

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or ``rank`` ints.
        strides: an int or ``rank`` ints, the upsampling factor (not > 1 with dilation > 1).
        padding: ``"valid"`` or ``"same"`` (output ``n * strides`` without ``output_padding``).
        output_padding: ``None`` or an int / ``rank`` ints, each strictly less than its stride:
            the extra size added at the end of each axis (see the table above).
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or ``rank`` ints.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint:
            as in ``Conv2D``.
    """

    _config_args = ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format",
                    "dilation_rate", "activation", "use_bias", "kernel_initializer",
                    "bias_initializer", "kernel_regularizer", "bias_regularizer",
                    "activity_regularizer", "kernel_constraint", "bias_constraint")

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", output_padding: Any = None, data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate)
        self.filters = check_positive_int(filters, "filters")
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(output_padding, rank, "output_padding",
                                                             allow_zero=True)
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all dimensions. "
                        f"At dimension {i}, `output_padding` is {op} but `strides` is {s}. Received: "
                        f"output_padding={self.output_padding}, strides={self.strides}. Use values "
                        "from 0 to strides - 1, or output_padding=None."
                    )
        self._refuse_strided_dilation()
        self.use_bias = bool(use_bias)
        self.store_arguments(activation=activation, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             bias_constraint=bias_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._check_inputs(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self._make_bias(self.filters)
        self._mark_built(input_shape, channels)

    def call(self, inputs: jax.Array) -> jax.Array:
        self._check_inputs(inputs.shape)  # bad inputs fail here in Python, not in XLA
        outputs = conv_kernels.convolve_transpose(
            inputs, self.kernel.value, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, dilation=self.dilation_rate,
            data_format=self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._check_inputs(input_shape)
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        padding = self.output_padding or (None,) * self.rank
        out = tuple(transpose_output_length(n, k, self.padding, s, d, op) for n, k, s, d, op in
                    zip(spatial, self.kernel_size, self.strides, self.dilation_rate, padding))
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (self.filters,)
        return (input_shape[0], self.filters) + out
