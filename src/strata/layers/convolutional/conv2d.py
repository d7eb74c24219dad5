"""``Conv2D`` (alias ``Convolution2D``): 2D convolution over ``height, width``."""

from __future__ import annotations

from typing import Any

from strata.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """2D convolution layer (``keras.layers.Conv2D``).

    Inputs are ``(batch, height, width, channels)`` (``channels_last``) or channels second
    (``channels_first``).  The kernel has shape ``(*kernel_size, channels // groups, filters)``.

    Args:
        filters: the number of output channels.
        kernel_size: an int or 2 ints, the window size.
        strides: an int or 2 ints (not > 1 together with ``dilation_rate > 1``).
        padding: ``"valid"`` (no padding) or ``"same"`` (output size ``ceil(n / strides)``).
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        dilation_rate: an int or 2 ints.
        groups: the number of channel groups (divides both the input channels and ``filters``).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint:
            as in ``Dense``.

    Example:
        >>> layer = Conv2D(32, 3, activation="relu")
        >>> layer.compute_output_shape((None, 28, 28, 1))
        (None, 26, 26, 32)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = (1, 1), groups: int = 1,
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)


Convolution2D = Conv2D
