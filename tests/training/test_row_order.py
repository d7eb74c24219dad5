"""The epoch row order: a permutation for every size, new each epoch, and without visible pattern."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from strata.training.row_order import permutation, shuffled_rows

_shuffled = jax.jit(shuffled_rows, static_argnums=1)


@pytest.mark.parametrize("total", [1, 2, 3, 5, 8, 33, 1000, 11184])
def test_every_size_gets_a_permutation(total):
    order = np.asarray(_shuffled(jax.random.PRNGKey(total), total))
    assert order.dtype == np.int32
    np.testing.assert_array_equal(np.sort(order), np.arange(total))


def test_order_depends_on_the_key_and_repeats_for_the_same_key():
    key = jax.random.PRNGKey(7)
    first = np.asarray(_shuffled(key, 500))
    np.testing.assert_array_equal(first, np.asarray(_shuffled(key, 500)))
    others = [np.asarray(_shuffled(jax.random.fold_in(key, e), 500)) for e in range(5)]
    assert all(not np.array_equal(first, other) for other in others)
    assert len({tuple(o) for o in others}) == 5


def test_each_element_lands_in_each_position_about_equally_often():
    # 4,000 orders of 8 rows: every (row, position) pair is expected 500 times. A count outside
    # 380..620 is over five standard deviations off for a uniform shuffle.
    n, draws = 8, 4000
    keys = jax.random.split(jax.random.PRNGKey(0), draws)
    orders = np.asarray(jax.vmap(lambda k: shuffled_rows(k, n))(keys))
    counts = np.zeros((n, n), int)
    for order in orders:
        counts[order, np.arange(n)] += 1
    assert counts.min() > 380 and counts.max() < 620, counts


def test_no_correlation_between_a_row_and_its_position_or_its_neighbour():
    n = 2000
    for seed in range(5):
        order = np.asarray(_shuffled(jax.random.PRNGKey(seed), n)).astype(float)
        assert abs(np.corrcoef(order, np.arange(n))[0, 1]) < 0.1
        assert abs(np.corrcoef(order[:-1], order[1:])[0, 1]) < 0.1


def test_epoch_order_is_padded_to_whole_batches():
    order = np.asarray(permutation(np.int32(3), np.int32(1), 10, 4))
    assert order.shape == (12,)
    np.testing.assert_array_equal(np.sort(order[:10]), np.arange(10))
    np.testing.assert_array_equal(order[10:], [0, 0])
