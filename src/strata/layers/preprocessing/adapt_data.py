"""The batches ``adapt`` reads, from whatever form of data Keras's ``adapt`` accepts.

* A list, tuple or NumPy array is one batch; for the lookups and ``TextVectorization`` a 1-D one
  becomes a column (each element one document), as Keras expands it.
* Any other iterable -- a generator, a ``PyDataset`` (indexed by batch), a dataset object -- is a
  stream of batches, of which ``steps`` are read when given.  A batch that is an ``(x, y)`` tuple
  contributes its ``x``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np


def _inputs_of(batch: Any) -> Any:
    return batch[0] if isinstance(batch, tuple) else batch


def _check_steps(steps: Any) -> None:
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0):
        raise ValueError(f"`steps` must be a positive integer or None. Received: steps={steps!r}")


def adapt_batches(data: Any, steps: int | None = None, expand_rank1: bool = False,
                  array_types: tuple = (list, tuple, np.ndarray)) -> Iterator[Any]:
    """Yield the batches of ``data`` (see the module docstring)."""
    _check_steps(steps)
    if isinstance(data, (str, bytes)):
        data = [data]
    if isinstance(data, array_types) or hasattr(data, "__array__") and not hasattr(data, "__next__"):
        array = np.asarray(data, dtype=object) if isinstance(data, (list, tuple)) else np.asarray(data)
        if expand_rank1 and array.ndim == 1:
            array = array[:, None]
        yield array
        return
    if hasattr(data, "__getitem__") and hasattr(data, "__len__") and not hasattr(data, "__iter__"):
        batches: Any = (data[i] for i in range(len(data)))
    elif hasattr(data, "__iter__"):
        batches = iter(data)
    else:
        raise TypeError(
            f"Unsupported data type for adapt(): {type(data).__name__}. Pass a list or NumPy array, or an "
            "iterable of batches (a generator, a PyDataset)."
        )
    if steps is not None:
        batches = itertools.islice(batches, steps)
    for batch in batches:
        yield _inputs_of(batch)
