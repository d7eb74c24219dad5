"""``Conv1DTranspose`` (alias ``Convolution1DTranspose``): 1D transposed convolution."""

from __future__ import annotations

from typing import Any

from strata.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution, for upsampling (``keras.layers.Conv1DTranspose``).

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or channels second.  The kernel has
    shape ``(*kernel_size, filters, channels)``; output sizes follow the table in
    :mod:`strata.layers.convolutional.base_conv_transpose`.

    Args:
        filters: the number of output channels.
        kernel_size: an int or 1 ints.
        strides: an int or 1 ints, the upsampling factor (not > 1 with ``dilation_rate > 1``).
        padding: ``"valid"`` or ``"same"``.
        output_padding: ``None`` or an int / 1 ints, each less than its stride.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or 1 ints.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint:
            as in ``Conv1D``.

    Example:
        >>> Conv1DTranspose(4, 3, strides=2, padding="same").compute_output_shape((None, 7, 2))
        (None, 14, 4)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)


Convolution1DTranspose = Conv1DTranspose
