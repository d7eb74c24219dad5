"""Blocked patch-matrix convolutions equal XLA's convolution, and the block plan follows its rule.

``patch_convolution`` splits a large convolution into blocks of images or of output rows; these
tests shrink the block sizes so tiny inputs exercise every kind of block (exact row bands, padded
bands with a remainder, several images per block), with strides, dilation and every padding.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conv_reference import xla_conv

from strata.layers.convolutional import conv_kernels, patch_convolution
from strata.layers.convolutional.patch_convolution import BlockPlan, plan_blocks

RNG = np.random.default_rng(1)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of at most 2 KiB of patches, and loops for anything above 1 KiB."""
    monkeypatch.setattr(patch_convolution, "BLOCK_BYTES", 2048)
    monkeypatch.setattr(patch_convolution, "WHOLE_BYTES", 1024)


@pytest.mark.parametrize("shape, kernel, strides, padding, dilation, plan", [
    ((2, 10, 6, 2), (3, 3, 2, 3), (1, 1), "valid", (1, 1), BlockPlan(1, 4, 4, 8)),  # 2 exact bands per image
    ((2, 9, 9, 2), (3, 3, 2, 3), (1, 1), "same", (1, 1), BlockPlan(1, 3, 6, 9)),  # 9 rows: bands of 3
    ((2, 31, 4, 1), (3, 3, 1, 2), (1, 1), "valid", (1, 1), BlockPlan(1, 15, 4, 30)),  # 29 rows: padded bands
    ((2, 21, 7, 2), (3, 2, 2, 4), (2, 1), "same", (1, 1), BlockPlan(1, 6, 4, 12)),  # strides, padded bands
    ((2, 12, 9, 2), (3, 3, 2, 2), (1, 1), "same", (2, 2), BlockPlan(1, 3, 8, 12)),  # dilation
    ((6, 5, 5, 2), (2, 2, 2, 3), (1, 1), "valid", (1, 1), BlockPlan(3, 4, 2, 4)),  # three images per block
    ((2, 40, 3), (3, 3, 4), (1,), "causal", (2,), BlockPlan(1, 40, 2, 40)),  # 1D
    ((2, 6, 4, 4, 1), (2, 2, 2, 1, 2), (1, 1, 1), "valid", (1, 1, 1), BlockPlan(1, 5, 2, 5)),  # 3D
])
def test_blocked_convolution_equals_xla_with_gradients(small_blocks, shape, kernel, strides, padding,
                                                       dilation, plan):
    x = RNG.standard_normal(shape).astype("float32")
    k = RNG.standard_normal(kernel).astype("float32")
    rank = len(kernel) - 2
    padded = patch_convolution.padded_for(jnp.asarray(x), kernel[:rank], strides, padding, dilation)
    out = patch_convolution._output_size(padded.shape, kernel[:rank], strides, dilation)
    assert plan_blocks(shape[0], out, int(np.prod(kernel[:-1])), 4, 4 * int(np.prod(kernel))) == plan

    def ours(x, k):
        return conv_kernels.convolve(x, k, strides=strides, padding=padding, dilation=dilation,
                                     data_format="channels_last")

    expected = xla_conv(x, k, strides, padding, dilation)
    assert "while" in jax.jit(ours).lower(x, k).as_text()  # really the blocked loop
    np.testing.assert_allclose(ours(x, k), expected, atol=1e-5, rtol=1e-5)
    probe = RNG.standard_normal(expected.shape).astype("float32")
    grads = jax.jit(jax.grad(lambda x, k: jnp.sum(ours(x, k) * probe), argnums=(0, 1)))(x, k)
    reference = jax.grad(lambda x, k: jnp.sum(xla_conv(x, k, strides, padding, dilation) * probe),
                         argnums=(0, 1))(x, k)
    for a, b in zip(grads, reference):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-5)


def test_plan_keeps_small_patch_matrices_whole():
    # the course MNIST CNN's second convolution: 32 * 11 * 11 * 288 floats = 4.5 MB
    assert plan_blocks(32, [11, 11], 288, 4, 288 * 64 * 4) is None


def test_plan_of_the_cats_and_vgg_convolutions():
    mib = 2**20
    # cats conv1 (3 -> 32 at 178x178): a whole image's patches (3.4 MB) fit one block
    assert plan_blocks(32, [178, 178], 27, 4, 27 * 32 * 4) == BlockPlan(1, 178, 32, 178)
    # cats conv2 (32 -> 64 at 87x87): bands of 29 of the 87 rows (2.9 MB each)
    assert plan_blocks(32, [87, 87], 288, 4, 288 * 64 * 4) == BlockPlan(1, 29, 96, 87)
    # VGG16 block 1 (64 -> 64 at 224x224): bands of 8 rows (3.9 MB)
    assert plan_blocks(32, [224, 224], 576, 4, 576 * 64 * 4) == BlockPlan(1, 8, 896, 224)
    # VGG16 block 5 (512 -> 512 at 14x14): the 9.4 MB kernel sets the block size: 2 images (7.2 MB)
    kernel_bytes = 4608 * 512 * 4
    assert kernel_bytes > 4 * mib
    assert plan_blocks(32, [14, 14], 4608, 4, kernel_bytes) == BlockPlan(2, 14, 16, 14)
    # a prime batch: one image per block
    assert plan_blocks(31, [14, 14], 4608, 4, kernel_bytes) == BlockPlan(1, 14, 31, 14)


def test_plan_pads_rows_when_no_divisor_is_near_the_block_size():
    # 89 output rows (a prime) of 0.5 MB each: 10 bands of 9 rows (90 computed), not 89 bands of 1
    assert plan_blocks(2, [89, 224], 576, 4, 576 * 64 * 4) == BlockPlan(1, 9, 20, 90)


def test_cpu_dispatch_picks_whole_or_blocked_patch_products_and_xla_otherwise():
    def lowered(x, k, **kwargs):
        options = dict(strides=(1, 1), padding="valid", dilation=(1, 1), data_format="channels_last")
        options.update(kwargs)
        return jax.jit(lambda x, k: conv_kernels.convolve(x, k, **options)).lower(x, k).as_text()

    small = lowered(jnp.ones((2, 8, 8, 3)), jnp.ones((3, 3, 3, 4)))
    assert "while" not in small and "convolution" not in small and "dot_general" in small
    large = jax.ShapeDtypeStruct((32, 89, 89, 32), jnp.float32)  # the cats program's second convolution
    blocked = lowered(large, jax.ShapeDtypeStruct((3, 3, 32, 64), jnp.float32))
    assert "while" in blocked and "convolution" not in blocked
    grouped = lowered(jnp.ones((2, 8, 8, 4)), jnp.ones((3, 3, 2, 4)), groups=2)
    first = lowered(jnp.ones((2, 3, 8, 8)), jnp.ones((3, 3, 3, 4)), data_format="channels_first")
    assert "convolution" in grouped and "convolution" in first
