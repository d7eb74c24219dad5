"""``set_random_seed``: one call makes a whole program reproducible."""

from __future__ import annotations

import numpy as np

from strata.core import random as strata_random


def set_random_seed(seed: int) -> None:
    """Seed every source of randomness strata uses, plus Python's ``random`` and NumPy's.

    After ``set_random_seed(s)`` a program builds the same weights, draws the same dropout masks
    and shuffles in the same order on every run (bit-identical on one machine).  Without it,
    strata uses the fixed default seed :data:`strata.core.random.DEFAULT_SEED`, so runs are still
    reproducible; models created one after another in one process get different weights.

    Args:
        seed: a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
            f"(of type {type(seed).__name__})"
        )
    if seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer. Received: seed={seed}")
    strata_random.set_global_seed(int(seed))
    strata_random.seed_python_and_numpy(int(seed))
