"""A :class:`PyDataset` over a fixed set of items, read in an order that is redrawn each epoch.

Image and text folders (:mod:`folder_dataset`) and time-series windows (:mod:`timeseries_dataset`)
share this: iterating gives one pass over the batches and a complete pass ends the epoch, ``take``
reads the start of the current epoch, and with ``shuffle=True`` each new epoch's order is a
permutation drawn from ``(seed, epoch)`` alone, so a run is reproducible and independent of how
many batches were read before.

Example:
    >>> import numpy as np
    >>> class Numbers(EpochOrderDataset):
    ...     def __len__(self): return 3
    ...     def __getitem__(self, index): return self._order[index]
    >>> ds = Numbers(np.arange(3), shuffle=False, seed=0)
    >>> [int(v) for v in ds], [int(v) for v in ds.take(2)]
    ([0, 1, 2], [0, 1])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from strata.utils.py_dataset import PyDataset


class EpochOrderDataset(PyDataset):
    """Base of datasets whose ``items`` are read in ``self._order``, reshuffled per epoch on request.

    Args:
        items: what the order permutes (indices of files, start rows of windows, ...).
        shuffle: draw a new order at the end of each epoch.
        seed: the seed of those draws.
        **kwargs: :class:`PyDataset`'s ``workers``, ``use_multiprocessing``, ``max_queue_size``.
    """

    def __init__(self, items: Any, shuffle: bool, seed: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._items = np.asarray(items)
        self.shuffle = shuffle
        self.seed = seed
        self._epoch = 0
        self._order = self._items

    def __iter__(self) -> Iterator[Any]:
        """One pass over the batches; a complete pass ends the epoch (the next pass is reshuffled)."""
        for index in range(len(self)):
            yield self[index]
        self.on_epoch_end()

    def take(self, count: int) -> Iterator[Any]:
        """The first ``count`` batches of the current epoch (for ``for x, y in ds.take(1):``)."""
        for index in range(min(count, len(self))):
            yield self[index]

    def on_epoch_end(self) -> None:
        """Start the next epoch: with ``shuffle=True``, a new order drawn from ``(seed, epoch)``."""
        self._epoch += 1
        if self.shuffle:
            self._order = np.random.default_rng([self.seed, self._epoch]).permutation(self._items)
