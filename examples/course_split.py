"""The course's ``train_test_split(x, y, test_size=0.25, random_state=42)`` without scikit-learn.

scikit-learn shuffles with ``RandomState(random_state).permutation(n)``, takes the first
``ceil(test_size * n)`` rows as the test set and the next rows as the training set; this does the
same, so the examples split the data into exactly the rows the course uses.
"""

import math

import numpy as np


def train_test_split(x: np.ndarray, y: np.ndarray, test_size: float = 0.25, random_state: int = 42):
    """``(x_train, x_test, y_train, y_test)`` as scikit-learn returns them."""
    n = len(x)
    n_test = math.ceil(test_size * n)
    permutation = np.random.RandomState(random_state).permutation(n)
    test, train = permutation[:n_test], permutation[n_test:]
    return x[train], x[test], y[train], y[test]
