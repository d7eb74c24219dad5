"""``BaseConv``: the N-D convolution behind ``Conv1D``, ``Conv2D`` and ``Conv3D``.

``activation(conv(inputs, kernel) + bias)`` with a kernel of shape
``(*kernel_size, in_channels // groups, filters)`` (Keras's HWIO layout, whatever the
``data_format``) and a bias of shape ``(filters,)``.  Output sizes per spatial axis, with
``k_eff = dilation * (k - 1) + 1``: ``valid`` gives ``floor((n - k_eff) / s) + 1``, ``same`` and
``causal`` (``Conv1D`` only) give ``ceil(n / s)``.
"""

from __future__ import annotations

from typing import Any

import jax

from strata.layers.convolutional import conv_kernels
from strata.layers.convolutional.conv_layer import ConvLayer, check_positive_int


class BaseConv(ConvLayer):
    """Abstract N-D convolution (Keras's ``BaseConv``); use ``Conv1D``/``Conv2D``/``Conv3D``.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        filters: the number of output channels (a positive integer divisible by ``groups``).
        kernel_size: an int or ``rank`` ints, the window size.
        strides: an int or ``rank`` ints; ``strides > 1`` cannot be combined with
            ``dilation_rate > 1``.
        padding: ``"valid"`` (no padding), ``"same"`` (output size ``ceil(n / strides)``, the odd
            padding pixel at the end) or, for ``rank == 1`` only, ``"causal"``.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"``; ``None`` means ``strata.config.image_data_format()``.
        dilation_rate: an int or ``rank`` ints, the spacing between kernel taps.
        groups: split the input channels into this many groups, each convolved with
            ``filters // groups`` filters.
        activation: activation name or function (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (``"glorot_uniform"``, ``"zeros"``).
        kernel_regularizer, bias_regularizer, activity_regularizer: optional regularizers.
        kernel_constraint, bias_constraint: optional constraints.
    """

    _config_args = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                    "groups", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                    "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                    "kernel_constraint", "bias_constraint")

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: Any = 1,
                 groups: int = 1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_window(rank, kernel_size, strides, padding, data_format, dilation_rate,
                          allow_causal=rank == 1)
        self.filters = check_positive_int(filters, "filters")
        if isinstance(groups, bool) or not hasattr(groups, "__index__") or int(groups) <= 0:
            raise ValueError(
                f"The number of groups must be a positive integer. Received: groups={groups!r}."
            )
        self.groups = int(groups)
        if self.filters % self.groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. Received: "
                f"groups={self.groups}, filters={self.filters}. Choose `filters` as a multiple of "
                "`groups`."
            )
        self._refuse_strided_dilation()
        if lora_rank is not None:
            raise ValueError(
                f"LoRA is not supported by strata's convolutions yet. Received: lora_rank={lora_rank}. "
                "Remove `lora_rank` (and `lora_alpha`)."
            )
        self.use_bias = bool(use_bias)
        self.store_arguments(activation=activation, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             bias_constraint=bias_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._check_inputs(input_shape)
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input has {channels} channels (full input "
                f"shape is {tuple(input_shape)}). Layer '{self.name}' needs `groups` to divide the "
                "input channels."
            )
        self.compute_output_shape(input_shape)
        kernel_shape = self.kernel_size + (channels // self.groups, self.filters)
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self._make_bias(self.filters)
        self._mark_built(input_shape, channels)

    def convolution_op(self, inputs: jax.Array, kernel: jax.Array) -> jax.Array:
        """The convolution alone (no bias, no activation)."""
        return conv_kernels.convolve(inputs, kernel, strides=self.strides, padding=self.padding,
                                     dilation=self.dilation_rate, data_format=self.data_format,
                                     groups=self.groups)

    def call(self, inputs: jax.Array) -> jax.Array:
        self.compute_output_shape(inputs.shape)  # bad inputs fail here in Python, not in XLA
        return self._finish(self.convolution_op(inputs, self.kernel.value))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        channels = self._check_inputs(input_shape)
        return self._conv_output_shape(input_shape, self.filters,
                                       self.kernel_size + (channels, self.filters))
