"""The seeded shuffle and train/test split that Keras's regression datasets share.

Keras shuffles the rows with ``np.random.RandomState(seed).shuffle`` of an index range, then
puts the first ``int(n * (1 - test_split))`` rows in the training set. Using the same legacy
generator in the same way gives the same split for the same seed.
"""

from __future__ import annotations

import numpy as np


def check_test_split(test_split: float) -> None:
    """Raises unless ``0 <= test_split < 1``, the range Keras accepts."""
    if not 0 <= test_split < 1:
        raise ValueError(
            "test_split must be a fraction in [0, 1) (the share of rows held out for testing), "
            f"such as 0.2. Received: test_split={test_split!r}"
        )


def shuffled_order(n: int, seed: int | None) -> np.ndarray:
    """The row order Keras uses: ``arange(n)`` shuffled by a ``RandomState(seed)``."""
    order = np.arange(n)
    np.random.RandomState(seed).shuffle(order)
    return order


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int | None):
    """``(x_train, y_train), (x_test, y_test)`` after Keras's seeded shuffle.

    Example:

    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)
    >>> (x_train, y_train), (x_test, y_test) = shuffle_split(x, y, 0.2, seed=113)
    >>> x_train.shape, x_test.shape
    ((4, 2), (1, 2))
    """
    order = shuffled_order(len(x), seed)
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
