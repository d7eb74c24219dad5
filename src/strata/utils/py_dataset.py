"""``PyDataset``: a dataset of batches written in Python (``keras.utils.PyDataset``).

Subclass it, call ``super().__init__(**kwargs)``, and implement ``__getitem__(index)`` (one batch:
``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``) and ``__len__()`` (the number of batches),
or a ``num_batches`` property (``None`` for an infinite dataset).  ``fit`` reads it through
:mod:`strata.training.streaming`, which fetches batches on ``workers`` background threads ahead of
the step that needs them.
"""

from __future__ import annotations

import warnings
from typing import Any


class PyDataset:
    """Base class of datasets that produce batches from Python code.

    Args:
        workers: how many threads prepare batches in parallel (``fit`` always prefetches at least
            one batch ahead, on one thread, even with ``workers=1``).
        use_multiprocessing: accepted for Keras compatibility; strata prepares batches on threads
            (NumPy, Pillow and JAX release the GIL for the heavy work), never in processes.
        max_queue_size: how many prepared batches may wait in memory at most.

    Example:
        >>> import numpy as np
        >>> class Squares(PyDataset):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, index):
        ...         x = np.full((2, 1), index, "float32")
        ...         return x, x ** 2
        >>> len(Squares())
        3
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        for name, value, low in (("workers", workers, 0), ("max_queue_size", max_queue_size, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(
                    f"`{name}` must be an integer >= {low}. Received: {name}={value!r}"
                )
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        if "_workers" not in self.__dict__:
            warnings.warn(
                "Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. "
                "`**kwargs` can include `workers`, `use_multiprocessing`, `max_queue_size`. Do not pass "
                "these arguments to `fit()`, as they will be ignored.",
                stacklevel=3,
            )
            self._workers, self._use_multiprocessing, self._max_queue_size = 1, False, 10

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """The batch at ``index``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__getitem__(self, index)` returning one batch."
        )

    def __len__(self) -> int:
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__(self)` (the number of batches) or a "
            "`num_batches` property."
        )

    @property
    def num_batches(self) -> int | None:
        """Number of batches per epoch (``None``: infinite); by default ``len(self)``."""
        return len(self)

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch (and once before the first, as Keras does)."""
