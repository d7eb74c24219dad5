"""Convolution as matrix products over patches, in blocks that stay in the CPU's caches.

A convolution is ``patches @ kernel``: each row of the patch matrix lists one output position's
window in the kernel's ``(*kernel_size, in)`` order, so the HWIO kernel reshaped to
``(taps * in, filters)`` multiplies it directly.  Each kernel tap is one strided slice of the
input, and the gradient is two matrix products and the slices' transposes (pads and adds).

Built for a whole batch at once, the patch matrix of a large image is hundreds of megabytes
(``taps`` times the input): writing and re-reading it from memory, not the arithmetic, then
dominated the convolution on our CPUs.  So a large convolution runs as a loop (``lax.map``) over
*blocks* — a few whole images, or a band of output rows of one image — each block's patches
about :data:`BLOCK_BYTES` (or the kernel's size, when larger), so they are built, multiplied
and discarded while still in cache.  The loop body is rematerialised (``jax.checkpoint``), so the
gradient rebuilds each block's patches instead of storing them all.  Blocks divide the rows (or
the batch) exactly where they can; otherwise the input is padded with zero rows at the bottom and
the extra outputs cut off.

Example:
    >>> import jax.numpy as jnp
    >>> x, k = jnp.ones((2, 6, 5, 3)), jnp.ones((3, 3, 3, 4))
    >>> convolve(x, k, strides=(1, 1), padding="valid", dilation=(1, 1)).shape
    (2, 4, 3, 4)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# A block's patch matrix aims at about this size (bytes): it and its products fit the L2/L3 caches.
BLOCK_BYTES = 4 * 2**20
# Patch matrices up to this size (bytes) are built whole: a loop would only add its overhead.
WHOLE_BYTES = 8 * 2**20


class BlockPlan(NamedTuple):
    """How a convolution is split: ``images`` whole images, or ``rows`` output rows of one image."""

    images: int
    rows: int
    blocks: int  # number of loop iterations
    padded_rows: int  # output rows computed per image (``>= `` the real ones when padded)


def padded_for(x: jax.Array, kernel_size: Sequence[int], strides: Sequence[int], padding: str,
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


def _output_size(x_shape: Sequence[int], kernel_size: Sequence[int], strides: Sequence[int],
                 dilation: Sequence[int]) -> list[int]:
    """Spatial output lengths of a valid window over the (already padded) ``x_shape``."""
    return [(n - (d * (k - 1) + 1)) // s + 1 for n, k, s, d in zip(x_shape[1:-1], kernel_size, strides, dilation)]


def patches_matmul(x: jax.Array, kernel: jax.Array, strides: Sequence[int], dilation: Sequence[int]) -> jax.Array:
    """Valid convolution of the (padded) channels-last ``x`` as one ``patches @ kernel`` product."""
    rank = kernel.ndim - 2
    kernel_size = kernel.shape[:rank]
    out = _output_size(x.shape, kernel_size, strides, dilation)
    taps = []
    for offsets in np.ndindex(*kernel_size):
        start = (0,) + tuple(o * d for o, d in zip(offsets, dilation)) + (0,)
        limit = (x.shape[0],) + tuple(st + (n - 1) * s + 1 for st, n, s in zip(start[1:], out, strides)) + \
            (x.shape[-1],)
        taps.append(lax.slice(x, start, limit, (1,) + tuple(strides) + (1,)))
    patches = taps[0] if len(taps) == 1 else jnp.concatenate(taps, axis=-1)
    flat = jnp.reshape(kernel, (-1, kernel.shape[-1]))
    return jnp.reshape(jnp.reshape(patches, (-1, flat.shape[0])) @ flat, (x.shape[0], *out, flat.shape[1]))


def _largest_divisor(n: int, at_most: int) -> int:
    return max(d for d in range(1, max(min(n, at_most), 1) + 1) if n % d == 0)


def plan_blocks(batch: int, out: Sequence[int], taps_times_in: int, itemsize: int,
                kernel_bytes: int, block_bytes: int | None = None) -> BlockPlan | None:
    """The blocks for a patch matrix of ``batch * prod(out)`` rows of ``taps_times_in`` values.

    Blocks aim at ``block_bytes`` of patches (default :data:`BLOCK_BYTES`).  ``None`` when the
    whole matrix is at most :data:`WHOLE_BYTES` (one product, no loop).
    """
    row_bytes = math.prod(out[1:]) * taps_times_in * itemsize  # one output row of one image
    image_bytes = out[0] * row_bytes
    if batch * image_bytes <= WHOLE_BYTES:
        return None
    target = max(block_bytes or BLOCK_BYTES, kernel_bytes)  # large kernels: long blocks, fewer re-reads
    if image_bytes <= target:
        images = _largest_divisor(batch, target // image_bytes)
        return BlockPlan(images, out[0], batch // images, out[0])
    rows = _largest_divisor(out[0], target // row_bytes)
    if rows * row_bytes * 4 < target:  # no divisor near the target: pad the rows instead
        per_image = -(-image_bytes // target)
        rows = -(-out[0] // per_image)
    per_image = -(-out[0] // rows)
    return BlockPlan(1, rows, batch * per_image, per_image * rows)


def blocked_patches_matmul(x: jax.Array, kernel: jax.Array, strides: Sequence[int], dilation: Sequence[int],
                           plan: BlockPlan, row_group: int = 1,
                           epilogue: Callable[[jax.Array], jax.Array] | None = None) -> jax.Array:
    """:func:`patches_matmul` computed block by block along the batch and the first spatial axis.

    With ``row_group > 1`` the plan counts *groups* of ``row_group`` output rows, and each block's
    result goes through ``epilogue`` (``(images, rows, ...)`` to ``(images, rows // row_group, ...)``)
    before it is kept; output rows that do not fill a whole group are dropped.
    """
    rank = kernel.ndim - 2
    out = _output_size(x.shape, kernel.shape[:rank], strides, dilation)
    effective = dilation[0] * (kernel.shape[0] - 1) + 1
    rows, padded_rows = plan.rows * row_group, plan.padded_rows * row_group  # in output rows
    in_rows = (rows - 1) * strides[0] + effective  # input rows one block reads
    needed = (padded_rows - 1) * strides[0] + effective
    if needed > x.shape[1]:
        x = jnp.pad(x, [(0, 0), (0, needed - x.shape[1])] + [(0, 0)] * rank)
    per_image = plan.padded_rows // plan.rows
    size = (plan.images, in_rows) + x.shape[2:]

    @jax.checkpoint
    def block(index: jax.Array) -> jax.Array:
        start = (index // per_image * plan.images, index % per_image * rows * strides[0]) + (0,) * rank
        result = patches_matmul(lax.dynamic_slice(x, start, size), kernel, strides, dilation)
        return result if epilogue is None else epilogue(result)

    blocks = lax.map(block, jnp.arange(plan.blocks))  # (blocks, images, rows', *rest)
    result = jnp.reshape(blocks, (x.shape[0], per_image * blocks.shape[2]) + blocks.shape[3:])
    kept = out[0] // row_group
    return result[:, :kept] if result.shape[1] != kept else result


def convolve_blocks(x: jax.Array, kernel: jax.Array, *, strides: Sequence[int], padding: str,
                    dilation: Sequence[int], epilogue: Callable[[jax.Array], jax.Array],
                    row_group: int = 1, block_bytes: int | None = None) -> jax.Array | None:
    """``epilogue`` of the convolution, block by block, so the convolution is never whole in memory.

    ``epilogue`` maps one block of the convolution, ``(images, rows, *rest, filters)`` with ``rows``
    a multiple of ``row_group``, to ``(images, rows // row_group, ...)``: for example bias,
    activation and a pooling ``row_group`` rows tall (see ``conv_pool``).  Output rows that do not
    fill a whole group are dropped.  Blocks aim at ``block_bytes`` of patches (default
    :data:`BLOCK_BYTES`).  ``None`` when the patches are small enough to be built whole, where
    blocks would only add a loop.
    """
    rank = kernel.ndim - 2
    x = padded_for(x, kernel.shape[:rank], strides, padding, dilation)
    out = _output_size(x.shape, kernel.shape[:rank], strides, dilation)
    groups = out[0] // row_group
    if groups == 0:
        return None
    plan = plan_blocks(x.shape[0], [groups] + out[1:], math.prod(kernel.shape[:-1]) * row_group,
                       x.dtype.itemsize, math.prod(kernel.shape) * kernel.dtype.itemsize, block_bytes)
    if plan is None:
        return None
    return blocked_patches_matmul(x, kernel, strides, dilation, plan, row_group, epilogue)


def convolve(x: jax.Array, kernel: jax.Array, *, strides: Sequence[int], padding: str,
             dilation: Sequence[int]) -> jax.Array:
    """Channels-last, ungrouped convolution as patch products: whole, or in blocks when large."""
    rank = kernel.ndim - 2
    x = padded_for(x, kernel.shape[:rank], strides, padding, dilation)
    out = _output_size(x.shape, kernel.shape[:rank], strides, dilation)
    plan = plan_blocks(x.shape[0], out, math.prod(kernel.shape[:-1]), x.dtype.itemsize,
                       math.prod(kernel.shape) * kernel.dtype.itemsize)
    if plan is None:
        return patches_matmul(x, kernel, strides, dilation)
    return blocked_patches_matmul(x, kernel, strides, dilation, plan)
