"""A convolution and the pooling right after it, computed together block by block.

Course CNNs are runs of ``Conv2D(..., activation="relu")`` followed by ``MaxPooling2D(2)``.  Computed
layer by layer on the CPU, the convolution's whole output is written to memory, then read back for
the activation, the pooling, and again by each of their gradients: for the cats-vs-dogs model's
first layer that output is 130 MB per batch of 32, and moving it (and the kernel's page faults
on fresh temporary memory) cost more than the arithmetic.  Here each cache-sized block of the
convolution (see ``patch_convolution``) goes through bias, activation and pooling before the next
block starts, so only the pooled output (a quarter of the size) is stored; the gradient recomputes
each block's convolution instead of keeping it.  Measured on the cats-vs-dogs model (2-core CPU):
its first convolution with its pooling, forward and weight gradient, 302 -> 96 ms per batch; the
second, 246 -> 159 ms.

The numbers are the layers' own: the same patch products, the activation function of the
convolution layer, and the pooling layers' tiled max/average (gradient to the first maximum of a
window, as XLA).  Fusion applies when nothing else can see the convolution's output (the pooling
is its only consumer and it is not a model output), to an ungrouped channels-last convolution
without an activity regularizer (nor a subclass's own ``call`` or ``convolution_op``), a pooling
whose windows tile its input (``strides == pool_size``, ``valid``: the default), no masks, and the
layers computing in their input's dtype on the CPU.
Anything else, and convolutions small enough to be built whole, run layer by layer as before.
"""

from __future__ import annotations

from typing import Any

import jax

from strata.core import masking
from strata.layers.convolutional import conv_kernels, patch_convolution
from strata.layers.convolutional.base_conv import BaseConv
from strata.layers.pooling import tiled_pooling
from strata.layers.pooling.base_pooling import BasePooling

# Fused blocks aim at this many times ``patch_convolution.BLOCK_BYTES`` of patches: each block also
# runs the activation and the pooling, so a longer block pays its loop overhead less often.  On the
# cats-vs-dogs program (fresh processes, 2-core CPU): 105-110 images/s with 8 MiB blocks against
# 96-107 with 4 MiB; 16 MiB was no better (89-110).
BLOCK_SCALE = 2


def fusible(conv: Any, pool: Any) -> bool:
    """Whether ``pool`` applied to ``conv``'s output can run fused with it (static checks only)."""
    return (isinstance(conv, BaseConv) and isinstance(pool, BasePooling)
            and conv.built and conv.groups == 1 and conv.rank == pool._rank
            and conv.data_format == "channels_last" and pool.data_format == "channels_last"
            and conv.activity_regularizer is None and pool.activity_regularizer is None
            and tiled_pooling.tiles_input(pool.pool_size, pool.strides, pool._padding)
            and conv.compute_dtype == conv.variable_dtype and pool.compute_dtype == conv.compute_dtype
            and type(conv).call is BaseConv.call and type(conv).convolution_op is BaseConv.convolution_op
            and type(pool).call is BasePooling.call)


def conv_then_pool(conv: BaseConv, pool: BasePooling, x: Any) -> jax.Array | None:
    """``pool(conv(x))`` computed block by block, or ``None`` where the layers must run one by one.

    ``None`` when :func:`fusible` does not hold for these inputs (a mask, another dtype, not the
    CPU, a symbolic batch) or when the convolution is small enough to be built whole.
    """
    if not isinstance(x, (jax.Array, jax.core.Tracer)) or x.dtype != conv.compute_dtype:
        return None
    if masking.any_mask(masking.masks_of(x)) or not conv_kernels.uses_patches(x):
        return None
    pool.compute_output_shape(conv.compute_output_shape(x.shape))  # the layers' own errors for bad inputs
    rank = conv.rank
    pool_fn = tiled_pooling.max_pool if pool._mode == "max" else tiled_pooling.average_pool
    axes = tuple(range(1, rank + 1))

    def epilogue(block: jax.Array) -> jax.Array:
        return pool_fn(conv._finish(block), pool.pool_size, axes)

    return patch_convolution.convolve_blocks(
        x, conv.kernel.value, strides=conv.strides, padding=conv.padding, dilation=conv.dilation_rate,
        epilogue=epilogue, row_group=pool.pool_size[0],
        block_bytes=BLOCK_SCALE * patch_convolution.BLOCK_BYTES)
