"""``timeseries_dataset_from_array`` (``keras.utils``): sliding windows over a series, as batches.

Forecasting and sequence models learn from windows cut out of one long array: window ``i`` starts at
``s_i = start_index + i * sequence_stride`` and takes ``sequence_length`` steps spaced
``sampling_rate`` apart.  The target paired with window ``i`` is ``targets[s_i]``, the target at the
window's *first* step (Keras's convention), so to predict the step after a window of ``L`` steps
pass ``data[:-L]`` and ``targets=data[L:]``.  Windows must end before ``end_index``.

Keras builds a ``tf.data`` pipeline; strata returns a :class:`TimeseriesDataset`, a ``PyDataset``
of NumPy batches that ``fit`` streams.  Windows, targets, batch sizes, dtypes and error messages are
Keras's (checked against fixtures recorded from Keras on TensorFlow).  With ``shuffle=True`` Keras
first permutes the window starts with ``np.random.RandomState(seed)`` and then shuffles again with a
``tf.data`` buffer, differently every epoch; strata applies the same first permutation, so the first
epoch has every window Keras has, in strata's own order (TensorFlow's shuffle cannot be reproduced
without TensorFlow), and each later epoch gets a new order drawn from ``(seed, epoch)``: the same
seed gives the same orders in every run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.utils.epoch_order import EpochOrderDataset


def _as_array(values: Any) -> np.ndarray:
    """NumPy view of ``values``; Python lists take TensorFlow's dtypes (int32, float32) as in Keras."""
    array = np.asarray(values)
    if isinstance(values, (list, tuple)):
        if array.dtype == np.int64:
            return array.astype(np.int32)
        if array.dtype == np.float64:
            return array.astype(np.float32)
    return array


def _check_indices(length: int, sequence_stride: int, sampling_rate: int, start_index: int | None,
                   end_index: int | None, format: str) -> None:
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= length:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {length}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= length:
            raise ValueError(
                "`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {length}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= length:
            raise ValueError(
                f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
                f"for data of length {length}"
            )
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')


class TimeseriesDataset(EpochOrderDataset):
    """Batches of windows (and their targets), returned by ``timeseries_dataset_from_array``.

    Args:
        data: the series, ``(T, ...)``, already cut to ``[start_index:end_index]``.
        targets: the targets cut the same way, or ``None`` (windows only).
        starts: where each window starts in ``data``, in the order of the first epoch.
        sequence_length: steps per window.
        sampling_rate: distance between two steps of a window.
        batch_size: windows per batch (the last one may be smaller); ``None`` yields single windows.
        shuffle: draw a new window order at every ``on_epoch_end``.
        seed: the seed of those orders.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` (see ``PyDataset``).

    Example:
        >>> ds = TimeseriesDataset(np.arange(5), None, np.arange(3), 3, 1, batch_size=2)
        >>> len(ds), ds[0].tolist()
        (2, [[0, 1, 2], [1, 2, 3]])
    """

    orders_itself = True
    """``fit`` keeps this dataset's batch order: it reshuffles its windows itself (``shuffle=True``)
    or keeps them in time order (``shuffle=False``), as Keras's dataset does."""

    def __init__(self, data: np.ndarray, targets: np.ndarray | None, starts: np.ndarray, sequence_length: int,
                 sampling_rate: int, batch_size: int | None = 128, shuffle: bool = False, seed: int = 0,
                 **kwargs: Any) -> None:
        self.starts = np.asarray(starts)
        super().__init__(self.starts, shuffle, seed, **kwargs)
        self.data = data
        self.targets = targets
        self.sequence_length = sequence_length
        self.sampling_rate = sampling_rate
        self.batch_size = batch_size
        self._offsets = np.arange(sequence_length) * sampling_rate

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.starts)
        return -(-len(self.starts) // self.batch_size)

    def __getitem__(self, index: int) -> Any:
        """Batch ``index`` of the current epoch: ``windows`` or ``(windows, targets)``."""
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} is out of range for a dataset of {len(self)} batches.")
        step = 1 if self.batch_size is None else self.batch_size
        starts = self._order[index * step: (index + 1) * step]
        windows = self.data[starts[:, None] + self._offsets[None, :]]
        targets = None if self.targets is None else self.targets[starts]
        if self.batch_size is None:
            windows, targets = windows[0], None if targets is None else targets[0]
        return windows if targets is None else (windows, targets)

    def __repr__(self) -> str:
        return (f"<TimeseriesDataset: {len(self.starts)} windows of {self.sequence_length} steps, "
                f"{len(self)} batches of {self.batch_size}>")


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
    format: str = "tf",
) -> TimeseriesDataset:
    """A dataset of sliding windows over ``data``, each paired with ``targets[window start]``.

    Args:
        data: the series, an array (or list) of shape ``(T, ...)``: time steps first.
        targets: one target per time step (``targets[s]`` goes with the window starting at ``s``), or
            ``None`` to yield windows only.  It may be shorter than ``data``: windows then stop at
            ``len(targets)``.
        sequence_length: steps per window.
        sequence_stride: distance between the starts of two consecutive windows.
        sampling_rate: distance between two steps inside a window (2 keeps every other step).
        batch_size: windows per batch (the last batch may be smaller); ``None`` yields single windows.
        shuffle: shuffle the windows (see the module notes on the order).
        seed: the shuffle seed; ``None`` draws one with ``np.random.randint(1e6)``.
        start_index: the first step used (windows start there).
        end_index: steps at ``end_index`` and after are not used (exclusive); must be below ``len(data)``.
        format: ``"tf"`` or ``"grain"``; either gives strata's ``TimeseriesDataset``.

    Returns:
        A ``TimeseriesDataset`` (a ``PyDataset``) of ``(windows, targets)`` NumPy batches, windows
        shaped ``(batch, sequence_length, ...)`` with ``data``'s dtype; ``windows`` alone without
        targets.  A window longer than the data gives an empty dataset, as in Keras.

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(10), 100 + np.arange(10), 3, batch_size=4)
        >>> x, y = ds[0]
        >>> x.tolist(), y.tolist(), len(ds)
        ([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [100, 101, 102, 103], 2)
    """
    data_array = _as_array(data)
    if data_array.ndim == 0:
        raise ValueError(
            f"`data` must be an array of time steps, shape (T, ...). Received a scalar: data={data!r}"
        )
    if isinstance(sequence_length, bool) or int(sequence_length) != sequence_length or sequence_length <= 0:
        raise ValueError(
            f"`sequence_length` must be a positive integer. Received: sequence_length={sequence_length}"
        )
    _check_indices(len(data_array), sequence_stride, sampling_rate, start_index, end_index, format)
    if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) != batch_size
                                   or batch_size <= 0):
        raise ValueError(f"`batch_size` must be a positive integer or None. Received: batch_size={batch_size}")
    start = start_index or 0
    end = len(data_array) if end_index is None else end_index
    num_windows = end - start - (sequence_length - 1) * sampling_rate
    target_array = None
    if targets is not None:
        target_array = _as_array(targets)
        num_windows = min(num_windows, len(target_array))
        target_array = target_array[start:end]
    starts = np.arange(0, max(num_windows, 0), sequence_stride)
    if num_windows > 0 and target_array is not None and starts[-1] >= len(target_array):
        raise ValueError(
            f"`targets` has {len(targets)} entries, too few for the windows starting at step "
            f"{start + len(target_array)} and later (start_index={start_index}). Pass one target per time "
            "step of `data`."
        )
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    return TimeseriesDataset(data_array[start:end], target_array, starts, int(sequence_length),
                             int(sampling_rate), batch_size, bool(shuffle), 0 if seed is None else int(seed))
