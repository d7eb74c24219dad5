"""The arithmetic of every convolution layer: pure functions over arrays.

Every convolution layer (plain, grouped, transposed, depthwise, separable; 1D to 3D) computes
through this module, so a different lowering is a change here (the CPU one is in ``patch_convolution``).
Kernels arrive in Keras's stored layouts and are never stored otherwise:

* convolution: ``(*kernel_size, in_channels // groups, filters)`` (``HWIO``);
* transposed convolution: ``(*kernel_size, filters, in_channels)`` (out and in swapped);
* depthwise: ``(*kernel_size, in_channels, depth_multiplier)``; output channel ``c * dm + m`` is
  input channel ``c`` convolved with ``kernel[..., c, m]``.

Convolution is cross-correlation (no kernel flip).  ``same`` padding is XLA's (the odd padding
pixel goes at the end), ``causal`` pads ``dilation * (kernel - 1)`` zeros at the start.

Example:
    >>> import jax.numpy as jnp
    >>> x, k = jnp.ones((1, 5, 5, 1)), jnp.ones((3, 3, 1, 2))
    >>> convolve(x, k, strides=(1, 1), padding="same", dilation=(1, 1),
    ...          data_format="channels_last").shape
    (1, 5, 5, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from strata.layers.convolutional import patch_convolution


def dimension_numbers(rank: int, data_format: str) -> lax.ConvDimensionNumbers:
    """Axis roles for ``rank`` spatial axes: inputs and outputs in ``data_format``, kernel HWIO."""
    ndim = rank + 2
    if data_format == "channels_last":
        activations = (0, ndim - 1) + tuple(range(1, ndim - 1))
    else:
        activations = tuple(range(ndim))
    kernel = (ndim - 1, ndim - 2) + tuple(range(rank))  # (out, in, *spatial) axes of (*k, in, out)
    return lax.ConvDimensionNumbers(lhs_spec=activations, rhs_spec=kernel, out_spec=activations)


def _lax_padding(padding: str, kernel_size: Sequence[int], dilation: Sequence[int]) -> Any:
    if padding == "causal":
        return [(d * (k - 1), 0) for k, d in zip(kernel_size, dilation)]
    return padding.upper()  # "VALID" / "SAME", as XLA defines them


def _matching_dtype(x: jax.Array, kernel: jax.Array) -> jax.Array:
    return x if x.dtype == kernel.dtype else x.astype(kernel.dtype)


def convolve(x: jax.Array, kernel: jax.Array, *, strides: Sequence[int], padding: str,
             dilation: Sequence[int], data_format: str, groups: int = 1) -> jax.Array:
    """N-D (grouped) convolution of ``x`` with an HWIO ``kernel``.

    On the CPU, an ungrouped channels-last convolution is computed as matrix products over its
    patches (:mod:`patch_convolution`: whole for small inputs, in cache-sized blocks for large
    ones): measured on the course CNNs, its training step is 1.5-2x faster than XLA:CPU's
    convolution (whose weight gradient is slow), and on 180x180 to 224x224 images the blocks cut
    a convolution's time 2-2.5x against the whole patch matrix, with the same numbers to float32
    rounding.  Elsewhere (GPU, grouped, channels-first) it is XLA's convolution.  Models fuse a
    large convolution with the pooling right after it (``conv_pool``), which bypasses this function.

    Args:
        x: ``(batch, *spatial, channels)`` or ``(batch, channels, *spatial)`` per ``data_format``.
        kernel: ``(*kernel_size, channels // groups, filters)``.
        strides, dilation: one int per spatial axis.
        padding: ``"valid"``, ``"same"`` or ``"causal"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        groups: the number of channel groups, each convolved with ``filters // groups`` filters.
    """
    rank = kernel.ndim - 2
    x = _matching_dtype(x, kernel)
    if groups == 1 and data_format == "channels_last" and uses_patches(x):
        return patch_convolution.convolve(x, kernel, strides=strides, padding=padding, dilation=dilation)
    return lax.conv_general_dilated(
        x, kernel, window_strides=tuple(strides),
        padding=_lax_padding(padding, kernel.shape[:rank], dilation), rhs_dilation=tuple(dilation),
        dimension_numbers=dimension_numbers(rank, data_format), feature_group_count=groups)


def uses_patches(x: jax.Array) -> bool:
    """Whether the patch-product lowering applies: on the CPU, with a concrete batch size."""
    # A symbolic batch (shape inference of a nested model) cannot be split into blocks.
    return jax.default_backend() == "cpu" and all(isinstance(d, int) for d in x.shape)


def transpose_padding(kernel: int, stride: int, dilation: int, padding: str,
                      output_padding: int | None) -> tuple[int, int]:
    """``(before, after)`` padding of the stride-dilated input that gives Keras's output size.

    The output length is ``(n-1)*s + max(k_eff, s)`` (``valid``) or ``n*s`` (``same``) without
    ``output_padding``, and ``(n-1)*s + k_eff + op`` / ``(n-1)*s + k_eff % 2 + op`` with it.
    """
    effective = dilation * (kernel - 1) + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return effective - 1, effective - 1 + extra
    if output_padding is None:
        total = stride + effective - 2
    else:
        total = effective + effective % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, effective - 1)
    return before, total - before


def convolve_transpose(x: jax.Array, kernel: jax.Array, *, strides: Sequence[int], padding: str,
                       output_padding: Sequence[int] | None, dilation: Sequence[int],
                       data_format: str) -> jax.Array:
    """Transposed convolution (the gradient of :func:`convolve` with respect to its input).

    Each input pixel scatters ``x[i] * kernel[h, :, :]`` into ``out[s*i + h]``; ``kernel`` is
    ``(*kernel_size, filters, channels)``.  Computed as a convolution of the stride-dilated input
    with the spatially flipped kernel, its last two axes swapped.
    """
    rank = kernel.ndim - 2
    pads = [transpose_padding(k, s, d, padding, None if output_padding is None else op)
            for k, s, d, op in zip(kernel.shape[:rank], strides, dilation,
                                   output_padding or (None,) * rank)]
    flipped = jnp.swapaxes(jnp.flip(kernel, axis=tuple(range(rank))), -1, -2)
    return lax.conv_general_dilated(
        _matching_dtype(x, kernel), flipped, window_strides=(1,) * rank, padding=pads,
        lhs_dilation=tuple(strides), rhs_dilation=tuple(dilation),
        dimension_numbers=dimension_numbers(rank, data_format))


def depthwise_convolve(x: jax.Array, kernel: jax.Array, *, strides: Sequence[int], padding: str,
                       dilation: Sequence[int], data_format: str) -> jax.Array:
    """Each input channel convolved with its own ``depth_multiplier`` filters.

    ``kernel`` is ``(*kernel_size, channels, depth_multiplier)``; the output has
    ``channels * depth_multiplier`` channels in the order ``c * depth_multiplier + m``.
    """
    channels, multiplier = kernel.shape[-2:]
    grouped = jnp.reshape(kernel, kernel.shape[:-2] + (1, channels * multiplier))
    return convolve(x, grouped, strides=strides, padding=padding, dilation=dilation,
                    data_format=data_format, groups=channels)


def separable_convolve(x: jax.Array, depthwise_kernel: jax.Array, pointwise_kernel: jax.Array, *,
                       strides: Sequence[int], padding: str, dilation: Sequence[int],
                       data_format: str) -> jax.Array:
    """A depthwise convolution followed by a 1x1 convolution with ``pointwise_kernel``."""
    depthwise = depthwise_convolve(x, depthwise_kernel, strides=strides, padding=padding,
                                   dilation=dilation, data_format=data_format)
    rank = pointwise_kernel.ndim - 2
    return convolve(depthwise, pointwise_kernel, strides=(1,) * rank, padding="valid",
                    dilation=(1,) * rank, data_format=data_format)


def add_bias(outputs: jax.Array, bias: jax.Array, data_format: str) -> jax.Array:
    """``outputs + bias`` along the channel axis (broadcast explicitly)."""
    rank = outputs.ndim - 2
    if data_format == "channels_last":
        shape = (1,) * (rank + 1) + bias.shape
    else:
        shape = (1,) + bias.shape + (1,) * rank
    return outputs + jnp.reshape(bias, shape).astype(outputs.dtype)
