"""The arithmetic of every convolution layer: pure functions over arrays, one XLA op each.

Every convolution layer (plain, grouped, transposed, depthwise, separable; 1D to 3D) computes
through this module, so a different lowering (say, for the CPU) is a change to this file alone.
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
import numpy as np
from jax import lax


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


# Largest patch matrix (bytes) the CPU lowering materialises; bigger convolutions use XLA's own.
PATCHES_LIMIT = 512 * 2**20


def convolve(x: jax.Array, kernel: jax.Array, *, strides: Sequence[int], padding: str,
             dilation: Sequence[int], data_format: str, groups: int = 1) -> jax.Array:
    """N-D (grouped) convolution of ``x`` with an HWIO ``kernel``.

    On the CPU, an ungrouped channels-last convolution whose patches fit in
    :data:`PATCHES_LIMIT` is computed as one matrix product over its patches (:func:`_patches_matmul`):
    measured on the course CNNs, its training step is 1.5-2x faster than XLA:CPU's convolution (whose
    weight gradient is slow), with the same numbers to float32 rounding.  Elsewhere (GPU, grouped,
    channels-first, very large) it is XLA's convolution.

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
    if groups == 1 and data_format == "channels_last" and _patches_fit(x, kernel, strides, padding, dilation):
        return _patches_matmul(x, kernel, strides, padding, dilation)
    return lax.conv_general_dilated(
        x, kernel, window_strides=tuple(strides),
        padding=_lax_padding(padding, kernel.shape[:rank], dilation), rhs_dilation=tuple(dilation),
        dimension_numbers=dimension_numbers(rank, data_format), feature_group_count=groups)


def _padded_for(x: jax.Array, kernel_size: Sequence[int], strides: Sequence[int], padding: str,
                dilation: Sequence[int]) -> jax.Array:
    """``x`` (channels last) with the zeros ``same``/``causal`` padding adds, so a valid window follows."""
    if padding == "valid":
        return x
    pads = [(0, 0)]
    for length, k, s, d in zip(x.shape[1:-1], kernel_size, strides, dilation):
        effective = d * (k - 1) + 1
        if padding == "causal":
            pads.append((effective - 1, 0))
        else:
            out = (length - 1) // s + 1
            total = max((out - 1) * s + effective - length, 0)
            pads.append((total // 2, total - total // 2))
    return jnp.pad(x, pads + [(0, 0)])


def _patches_fit(x: jax.Array, kernel: jax.Array, strides: Sequence[int], padding: str,
                 dilation: Sequence[int]) -> bool:
    if jax.default_backend() != "cpu":
        return False
    if not all(isinstance(d, int) for d in x.shape):  # symbolic batch (shape inference of a nested model)
        return False
    rank = kernel.ndim - 2
    rows = x.shape[0]
    for length, k, s, d in zip(x.shape[1:-1], kernel.shape[:rank], strides, dilation):
        effective = d * (k - 1) + 1
        rows *= (length - effective) // s + 1 if padding == "valid" else (length - 1) // s + 1
    return rows * int(np.prod(kernel.shape[:-1])) * x.dtype.itemsize <= PATCHES_LIMIT


def _patches_matmul(x: jax.Array, kernel: jax.Array, strides: Sequence[int], padding: str,
                    dilation: Sequence[int]) -> jax.Array:
    """Convolution as ``patches @ kernel``: each kernel tap is one strided slice of the input.

    The patch matrix lists, for every output position, the window's values in the kernel's
    ``(*kernel_size, in)`` order, so the HWIO kernel reshaped to ``(taps * in, filters)`` multiplies
    it directly.  Its gradient is two matrix products and the slices' transposes (pads and adds).
    """
    rank = kernel.ndim - 2
    kernel_size = kernel.shape[:rank]
    x = _padded_for(x, kernel_size, strides, padding, dilation)
    out = [(length - (d * (k - 1) + 1)) // s + 1
           for length, k, s, d in zip(x.shape[1:-1], kernel_size, strides, dilation)]
    taps = []
    for offsets in np.ndindex(*kernel_size):
        start = (0,) + tuple(o * d for o, d in zip(offsets, dilation)) + (0,)
        limit = (x.shape[0],) + tuple(st + (n - 1) * s + 1 for st, n, s in zip(start[1:], out, strides)) + \
            (x.shape[-1],)
        taps.append(lax.slice(x, start, limit, (1,) + tuple(strides) + (1,)))
    patches = taps[0] if len(taps) == 1 else jnp.concatenate(taps, axis=-1)
    flat = jnp.reshape(kernel, (-1, kernel.shape[-1]))
    return jnp.reshape(jnp.reshape(patches, (-1, flat.shape[0])) @ flat, (x.shape[0], *out, flat.shape[1]))


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
