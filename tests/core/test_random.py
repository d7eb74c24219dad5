"""The step key stream of ``strata.core.random``: JAX's values, in fused form."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata.core import random as strata_random
from strata.core.random import SeedGenerator, bernoulli, fold_in, step_random, threefry2x32


@pytest.mark.parametrize("seed", [0, 7, 2**31 - 1])
@pytest.mark.parametrize("data", [0, 1, 12345, 2**31 - 1, -3])
def test_fold_in_equals_jax(seed, data):
    key = jax.random.PRNGKey(seed)
    expected = jax.random.fold_in(key, jnp.int32(data))
    np.testing.assert_array_equal(fold_in(key, jnp.int32(data)), expected)
    np.testing.assert_array_equal(jax.jit(fold_in)(key, jnp.int32(data)), expected)


@pytest.mark.parametrize("shape", [(3, 5), (7,), (1,), (2, 3, 5), (0, 4), (128, 64)])
@pytest.mark.parametrize("p", [0.7, 0.5, 0.1, 0.99])
def test_bernoulli_equals_jax(shape, p):
    key = jax.random.PRNGKey(42)
    expected = jax.random.bernoulli(key, p, shape)
    got = jax.jit(lambda k: bernoulli(k, p, shape))(key)
    assert got.dtype == jnp.bool_ and got.shape == shape
    np.testing.assert_array_equal(got, expected)


def test_threefry_broadcasts_key_over_counters():
    key = jax.random.PRNGKey(3)
    counters = jnp.arange(6, dtype=jnp.uint32)
    first, second = threefry2x32(key[0], key[1], np.uint32(0), counters)
    assert first.shape == second.shape == (6,)
    # Each counter hashes like its own fold_in of the same key.
    for i in range(6):
        np.testing.assert_array_equal(jnp.stack([first[i], second[i]]), jax.random.fold_in(key, i))


def test_bernoulli_rejects_more_draws_than_counters():
    with pytest.raises(ValueError, match=r"at most 2\*\*32 - 1 random draws.*Received: shape=\(65536, 65536\)"):
        bernoulli(jax.random.PRNGKey(0), 0.5, (65536, 65536))


def test_step_keys_follow_the_documented_stream():
    generator = SeedGenerator(1234)
    step = jnp.int32(17)
    with step_random(step, {id(generator): jnp.int32(99)}):
        first, second = generator.next(), generator.next()
    base = jax.random.PRNGKey(99)
    np.testing.assert_array_equal(first, jax.random.fold_in(jax.random.fold_in(base, step), 0))
    np.testing.assert_array_equal(second, jax.random.fold_in(jax.random.fold_in(base, step), 1))


def test_a_step_with_dropout_compiles_without_device_loops():
    """JAX's CPU lowering of its hash is a loop; strata's step keys and masks fuse instead."""
    from strata import layers

    layer = layers.Dropout(0.3, seed=5)
    generator = layer.seed_generator

    def step(x, step_count, seed):
        with step_random(step_count, {id(generator): seed}):
            return layer(x, training=True)

    text = jax.jit(step).lower(jnp.ones((8, 4)), jnp.int32(3), jnp.int32(5)).compile().as_text()
    assert " while(" not in text


def test_eager_draws_still_differ_outside_steps():
    generator = SeedGenerator(5)
    assert not np.array_equal(generator.next(), generator.next())
    assert strata_random.SeedGenerator(5).next().shape == (2,)


def test_dropout_mask_in_a_step_is_jax_bernoulli_of_the_step_key():
    """The fused mask keeps Dropout's stream: ``bernoulli(fold_in(fold_in(key(seed), step), draw), 1 - rate)``."""
    from strata import layers

    layer = layers.Dropout(0.25, seed=11)
    x = jnp.arange(1, 1 + 6 * 5, dtype=jnp.float32).reshape(6, 5)

    def run(step_count, seed):
        with step_random(step_count, {id(layer.seed_generator): seed}):
            return layer(x, training=True)

    out = jax.jit(run)(jnp.int32(4), jnp.int32(11))
    key = jax.random.fold_in(jax.random.fold_in(jax.random.PRNGKey(11), 4), 0)
    keep = jax.random.bernoulli(key, 0.75, x.shape)
    np.testing.assert_allclose(out, np.where(keep, x / 0.75, 0.0), rtol=1e-6)


def test_masks_vmap_over_seeds_like_jax():
    """The tuner trains several trials in one vmapped program, each with its own seeds."""
    keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(3))
    got = jax.vmap(lambda k: bernoulli(fold_in(k, jnp.int32(5)), 0.6, (4, 3)))(keys)
    expected = jax.vmap(lambda k: jax.random.bernoulli(jax.random.fold_in(k, 5), 0.6, (4, 3)))(keys)
    assert got.shape == (3, 4, 3)
    np.testing.assert_array_equal(got, expected)
