"""XLA's own convolution, the reference the CPU lowerings (patch products, tiled pooling) are tested against."""

from jax import lax

from strata.layers.convolutional import conv_kernels


def xla_conv(x, k, strides, padding, dilation):
    """``lax.conv_general_dilated`` of a channels-last ``x`` with an HWIO ``k`` (``padding`` as Keras)."""
    rank = k.ndim - 2
    pad = [(d * (kk - 1), 0) for kk, d in zip(k.shape[:rank], dilation)] if padding == "causal" else padding.upper()
    return lax.conv_general_dilated(x, k, strides, pad, rhs_dilation=dilation,
                                    dimension_numbers=conv_kernels.dimension_numbers(rank, "channels_last"))
