"""``Conv3DTranspose`` (alias ``Convolution3DTranspose``): 3D transposed convolution."""

from __future__ import annotations

from typing import Any

from strata.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution, for upsampling (``keras.layers.Conv3DTranspose``).

    Inputs are ``(batch, depth, height, width, channels)`` (``channels_last``) or channels second.  The kernel has
    shape ``(*kernel_size, filters, channels)``; output sizes follow the table in
    :mod:`strata.layers.convolutional.base_conv_transpose`.

    Note the argument order: ``data_format`` comes before ``output_padding`` here, as in Keras.

    Args:
        filters: the number of output channels.
        kernel_size: an int or 3 ints.
        strides: an int or 3 ints, the upsampling factor (not > 1 with ``dilation_rate > 1``).
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        output_padding: ``None`` or an int / 3 ints, each less than its stride.
        dilation_rate: an int or 3 ints.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint:
            as in ``Conv3D``.

    Example:
        >>> Conv3DTranspose(2, 2, strides=2).compute_output_shape((None, 4, 4, 4, 3))
        (None, 8, 8, 8, 2)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1), padding: str = "valid",
                 data_format: str | None = None, output_padding: Any = None,
                 dilation_rate: Any = (1, 1, 1), activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)


Convolution3DTranspose = Conv3DTranspose
