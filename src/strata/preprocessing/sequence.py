"""``keras.preprocessing.sequence``: ``pad_sequences`` and tf.keras 2's ``TimeseriesGenerator``.

``TimeseriesGenerator`` is the Keras 2 way to train on windows of a series: batch ``i`` holds the
windows ending just before the rows ``start_index + length + i * batch_size * stride, ...`` and the
target of each window is the row right *after* it, ``targets[row]`` (unlike
``timeseries_dataset_from_array``, whose target is at the window's first step).  A window is
``data[row - length : row : sampling_rate]``.  It is a ``PyDataset``, so ``model.fit(generator)``
works as ``fit_generator`` did.  With ``shuffle=True`` each batch draws ``batch_size`` rows at random
with NumPy's global generator (``np.random.randint``), exactly as tf.keras 2 did: seed it with
``np.random.seed`` (or ``strata.utils.set_random_seed``) for repeatable batches.

Example:
    >>> import numpy as np
    >>> from strata.preprocessing.sequence import TimeseriesGenerator
    >>> series = np.arange(10)[:, None]
    >>> gen = TimeseriesGenerator(series, series, length=3, batch_size=2)
    >>> x, y = gen[0]
    >>> len(gen), x[:, :, 0].tolist(), y[:, 0].tolist()
    (4, [[0, 1, 2], [1, 2, 3]], [3, 4])
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np

from strata.utils.py_dataset import PyDataset
from strata.utils.sequence_utils import pad_sequences as pad_sequences


def _to_json_list(values: Any, name: str) -> str:
    values = values.tolist() if type(values).__module__ == np.__name__ else values
    try:
        return json.dumps(values)
    except TypeError as error:
        raise TypeError(f"{name} not JSON Serializable: {values!r}") from error


class TimeseriesGenerator(PyDataset):
    """Batches of ``(windows, targets)`` over a series, tf.keras 2's ``TimeseriesGenerator``.

    Args:
        data: the series, indexable along its first axis (a list or an array ``(T, ...)``).
        targets: one target per time step, ``len(targets) == len(data)``.
        length: how many steps back each window reaches (before subsampling).
        sampling_rate: keep every ``sampling_rate``-th step of a window (``length // sampling_rate``
            rounded up steps remain).
        stride: distance between the target rows of consecutive windows.
        start_index: rows before ``start_index`` are only used inside windows, never as targets.
        end_index: the last row used as a target (inclusive); ``None`` means ``len(data) - 1``.
        shuffle: draw each batch's rows at random (with replacement) instead of in time order.
        reverse: give each window's steps in reverse time order.
        batch_size: windows per batch (the last batch may be smaller).
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` (see ``PyDataset``).

    Attributes:
        start_index: the first target row, ``start_index + length`` (as in tf.keras).
        end_index: the last target row.
    """

    def __init__(self, data: Any, targets: Any, length: int, sampling_rate: int = 1, stride: int = 1,
                 start_index: int = 0, end_index: int | None = None, shuffle: bool = False,
                 reverse: bool = False, batch_size: int = 128, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if len(data) != len(targets):
            raise ValueError(
                f"Data and targets have to be of same length. Data length is {len(data)} while target "
                f"length is {len(targets)}"
            )
        for name, value in (("length", length), ("sampling_rate", sampling_rate), ("stride", stride),
                            ("batch_size", batch_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(
                f"`start_index+length={self.start_index} > end_index={self.end_index}` is disallowed, as no "
                "part of the sequence would be left to be used as current step."
            )

    def __len__(self) -> int:
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch ``index``: ``(windows (B, ceil(length / sampling_rate), ...), targets (B, ...))``."""
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            if not 0 <= index < len(self):
                raise IndexError(f"Batch index {index} is out of range for a generator of {len(self)} batches.")
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride, self.end_index + 1), self.stride)
        windows = np.array([self.data[row - self.length: row: self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        return (windows[:, ::-1, ...], targets) if self.reverse else (windows, targets)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """One pass over the ``len(self)`` batches (as Keras 2's ``Sequence``)."""
        for index in range(len(self)):
            yield self[index]

    def get_config(self) -> dict[str, Any]:
        """tf.keras's config: data and targets as JSON strings, ``start_index`` already shifted."""
        return {
            "data": _to_json_list(self.data, "Data"), "targets": _to_json_list(self.targets, "Targets"),
            "length": self.length, "sampling_rate": self.sampling_rate, "stride": self.stride,
            "start_index": self.start_index, "end_index": self.end_index, "shuffle": self.shuffle,
            "reverse": self.reverse, "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs: Any) -> str:
        """``{"class_name": "TimeseriesGenerator", "config": get_config()}`` as JSON."""
        return json.dumps({"class_name": self.__class__.__name__, "config": self.get_config()}, **kwargs)
