"""Streamed data: batches that arrive one at a time (the data-adapter seam of DESIGN.md).

``fit``, ``evaluate`` and ``predict`` accept, besides in-memory arrays, any source of batches:
a :class:`~strata.utils.PyDataset` (image folders included), a Python generator or iterator, a Grain
dataset or loader, or any other iterable that is not an array or a list/tuple/dict of arrays.  A
batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (lists count as tuples; a dict is
``x``).

:class:`StreamSource` turns a source into epochs of batches with Keras's rules (a fresh pass per
epoch, or ``steps_per_epoch`` batches from a continuing iterator).  :class:`Prefetcher` reads those
batches on background threads, converts them to arrays, pads a short batch to the compiled batch
size (its padding rows masked, as in the in-memory path) and moves them to the device, a bounded
number ahead of the step that needs them.
"""

from __future__ import annotations

import collections
import concurrent.futures
import queue
import threading
import types
import warnings
from collections.abc import Iterator
from typing import Any

import jax
import numpy as np

from strata.core import bridge
from strata.training import data_adapter
from strata.utils.py_dataset import PyDataset

RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator "
           "can generate at least `steps_per_epoch * epochs` batches. You may need to use the "
           "`.repeat()` function when building your dataset.")


def is_streamed(x: Any) -> bool:
    """Whether ``x`` is a source of batches rather than in-memory data."""
    if x is None or isinstance(x, (np.ndarray, jax.Array, list, tuple, dict, str, bytes, int, float)):
        return False
    if isinstance(x, PyDataset):
        return True
    if data_adapter._is_pandas(x) or hasattr(x, "__array__"):
        return False
    return hasattr(x, "__iter__") or hasattr(x, "__next__")


def kind_of(x: Any) -> str:
    """How Keras names the source in its messages."""
    if isinstance(x, PyDataset):
        return "PyDataset"
    if "grain" in type(x).__module__:
        return "grain.Dataset and grain.DataLoader"
    if isinstance(x, types.GeneratorType):
        return "generator"
    return "iterable of batches"


def check_arguments(x: Any, y: Any, sample_weight: Any, shuffle: bool, validation_split: float = 0.0) -> None:
    """Keras's rules for what may accompany a stream (raised before any batch is read)."""
    kind = kind_of(x)
    if y is not None:
        raise ValueError(
            f"When providing `x` as a {kind}, `y` should not be passed. Instead, the targets should be "
            f"included as part of the {kind}: each batch a tuple `(x, y)`."
        )
    if sample_weight is not None:
        raise ValueError(
            f"When providing `x` as a {kind}, `sample_weights` should not be passed. Instead, the sample "
            f"weights should be included as part of the {kind}: each batch `(x, y, sample_weight)`."
        )
    if validation_split:
        raise ValueError(
            f"`validation_split` is only supported for arrays, not for a {kind}. Received: "
            f"validation_split={validation_split}. Pass the validation batches as `validation_data=` "
            "instead (e.g. a second dataset from `image_dataset_from_directory(..., subset='validation')`)."
        )
    if shuffle and (kind != "PyDataset" or _num_batches(x) is None):
        what = {"PyDataset": "PyDataset is expected to already be shuffled.",
                "generator": "generator is expected to yield already-shuffled data."}.get(
            kind, "dataset is expected to already be shuffled.")
        warnings.warn(
            f"`shuffle=True` was passed, but will be ignored since the data `x` was provided as a {kind}. "
            f"The {what}", stacklevel=3)


def _num_batches(x: Any) -> int | None:
    if isinstance(x, PyDataset):
        x._warn_if_super_not_called()
        return x.num_batches
    if isinstance(x, Iterator) or isinstance(x, types.GeneratorType):
        return None
    try:
        return len(x)
    except TypeError:
        return None


def unpack_batch(batch: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` of one batch, with Keras's error for anything else."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if len(batch) == 1:
        return batch[0], None, None
    if len(batch) == 2:
        return batch[0], batch[1], None
    if len(batch) == 3:
        return batch
    raise ValueError(
        "A batch must be `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`. Received a tuple of "
        f"{len(batch)} elements. Return one of those forms from `__getitem__` or your generator."
    )


class StreamSource:
    """Epochs of batches from one source, with Keras's ``steps_per_epoch`` rules.

    Without ``steps_per_epoch`` every epoch is one pass (a new iterator each epoch; a one-shot
    generator therefore has nothing left for a second epoch).  With it, each epoch takes that many
    batches from a continuing iterator; when a source of known length runs out, the epoch ends early
    with Keras's warning and the next epoch starts a fresh pass.

    Args:
        source: the user's dataset, generator or iterable.
        steps: ``steps_per_epoch`` (or ``steps``/``validation_steps``), or ``None``.
        shuffle: shuffle a finite PyDataset's batch order every epoch (from ``seed``).
        seed: the seed of that order.
    """

    def __init__(self, source: Any, steps: int | None = None, shuffle: bool = False, seed: int = 0) -> None:
        self.source = source
        self.steps = None if steps is None else int(steps)
        self.length = _num_batches(source)
        # A finite PyDataset's batches are reordered, as Keras does, unless the dataset orders its own
        # samples every epoch (image_dataset_from_directory's, like Keras's tf.data/Grain datasets).
        self.shuffle = (shuffle and isinstance(source, PyDataset) and self.length is not None
                        and not getattr(source, "orders_itself", False))
        self.seed = seed
        self._iterator: Iterator | None = None
        self._seen = 0
        self._passes = 0
        self.exhausted = False  # a one-shot source that ran dry
        if isinstance(source, PyDataset):
            source.on_epoch_end()  # Keras calls it once before the first epoch

    @property
    def steps_per_epoch(self) -> int | None:
        """Batches per epoch as the progress bar shows them (``None``: unknown)."""
        return self.steps or self.length

    def peek(self) -> Any:
        """The first batch (to build the model); it is still delivered by the first epoch."""
        if isinstance(self.source, PyDataset):
            return self.source[0]
        self._iterator = self._fresh_iterator()
        first = next(self._iterator, _END)
        if first is _END:
            raise ValueError(
                f"The {kind_of(self.source)} passed as `x` produced no batches. Check that it yields "
                "`(x, y)` tuples and is not already exhausted (a generator can be iterated only once)."
            )
        self._iterator = _chain_first(first, self._iterator)
        return first

    def _fresh_iterator(self) -> Iterator:
        self._passes += 1
        self._seen = 0
        source = self.source
        if isinstance(source, PyDataset):
            order = list(range(self.length)) if self.length is not None else None
            if order is not None and self.shuffle:
                np.random.default_rng([self.seed, self._passes]).shuffle(order)
            return _pydataset_batches(source, order)
        return iter(source)

    def epoch(self) -> Iterator[Any]:
        """The raw batches of the next epoch."""
        if isinstance(self.source, PyDataset):
            self.source.on_epoch_begin()
        pass_done = self.length is not None and self._seen >= self.length
        if self._iterator is None or pass_done or (self.steps is None and self._seen > 0):
            self._iterator = self._fresh_iterator()
        fresh = self._seen == 0
        produced = 0
        while self.steps is None or produced < self.steps:
            batch = next(self._iterator, _END)
            if batch is _END:
                self._iterator = None
                if produced == 0 and not fresh:  # the pass ended exactly at the last epoch's end
                    self._iterator, fresh = self._fresh_iterator(), True
                    continue
                if produced == 0 or self.steps is not None:
                    warnings.warn(RAN_OUT, stacklevel=2)
                self.exhausted = produced == 0
                break
            produced += 1
            self._seen += 1
            yield batch
        if isinstance(self.source, PyDataset):
            self.source.on_epoch_end()


_END = object()


def _chain_first(first: Any, rest: Iterator) -> Iterator:
    yield first
    yield from rest


def _pydataset_batches(dataset: PyDataset, order: list[int] | None) -> Iterator[Any]:
    """``dataset[i]`` in ``order`` (all indices for an infinite dataset), on ``workers`` threads."""
    indices = iter(order) if order is not None else _count()
    workers = max(1, dataset.workers)
    if workers == 1:
        for index in indices:
            yield dataset[index]
        return
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="strata-pydataset") as pool:
        pending: collections.deque = collections.deque()
        for index in indices:
            pending.append(pool.submit(dataset.__getitem__, index))
            if len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _count() -> Iterator[int]:
    index = 0
    while True:
        yield index
        index += 1


class PreparedBatch:
    """One batch on the device: padded inputs, targets, weights, the row mask, the real row count."""

    __slots__ = ("x", "y", "sample_weight", "mask", "rows")

    def __init__(self, x: Any, y: Any, sample_weight: Any, mask: Any, rows: int) -> None:
        self.x, self.y, self.sample_weight, self.mask, self.rows = x, y, sample_weight, mask, rows


class BatchPreparer:
    """Converts raw batches like in-memory data (dtypes, class weights) and pads them to ``size``."""

    def __init__(self, input_dtypes: list[str], size: int, class_weight: dict | None = None,
                 needs_targets: bool = True, transform: Any = None) -> None:
        self.input_dtypes = input_dtypes
        self.size = size
        self.class_weight = class_weight
        self.needs_targets = needs_targets
        self.transform = transform  # the model's host stage (string layers), applied to raw inputs

    def host(self, batch: Any) -> tuple[Any, Any, Any, int]:
        x, y, sw = unpack_batch(batch)
        if self.transform is not None:
            x = self.transform(x)
        x = data_adapter.cast_inputs(data_adapter.to_structure(x, "x"), self.input_dtypes)
        y = data_adapter.cast_targets(data_adapter.to_structure(y, "y")) if y is not None else None
        if self.needs_targets and y is None:
            raise ValueError(
                "The batches passed to `fit`/`evaluate` hold no targets: each batch must be a tuple "
                "`(x, y)` or `(x, y, sample_weight)`. Received batches of inputs only."
            )
        if sw is not None:
            sw = data_adapter.to_numpy(sw, "sample_weight").astype(np.float32)
        elif self.class_weight is not None and y is not None:
            sw = data_adapter.class_weight_to_sample_weight(y, self.class_weight)
        rows = data_adapter.num_samples(x, y, sw)
        return x, y, sw, rows

    def device(self, batch: Any) -> PreparedBatch:
        x, y, sw, rows = self.host(batch)
        if not self.size:  # the first batch sets the compiled size (validation streams)
            self.size = rows
        size = max(self.size, rows)
        pad = lambda a: _pad_rows(a, size)  # noqa: E731
        mask = (np.arange(size) < rows).astype(np.float32)
        x = jax.tree_util.tree_map(pad, x)
        y = None if y is None else jax.tree_util.tree_map(pad, y)
        sw = None if sw is None else pad(sw)
        bridge.check_batch_size(size)  # under a distribution a batch splits evenly over the devices
        x, y, sw, mask = bridge.put_data((x, y, sw, mask))
        return PreparedBatch(x, y, sw, mask, rows)


def _pad_rows(array: np.ndarray, rows: int) -> np.ndarray:
    if array.shape[0] == rows:
        return array
    pad = np.zeros((rows - array.shape[0],) + array.shape[1:], array.dtype)
    return np.concatenate([array, pad], axis=0)


class Prefetcher:
    """Prepares the batches of ``batches`` on a background thread, at most ``depth`` ahead.

    Use as an iterator; ``close()`` (or leaving a ``with`` block) stops the thread even when the
    consumer stopped early (``steps``, EarlyStopping).  An exception raised while reading or
    preparing a batch is raised again in the consumer, with its original traceback.
    """

    def __init__(self, batches: Iterator[Any], prepare: Any, depth: int = 4) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(batches, prepare), daemon=True,
                                        name="strata-prefetch")
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, batches: Iterator[Any], prepare: Any) -> None:
        try:
            for batch in batches:
                if self._stop.is_set() or not self._put(("batch", prepare(batch))):
                    break
            self._put(("end", None))
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            self._put(("error", error))
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> "Prefetcher":
        return self

    def __next__(self) -> Any:
        kind, value = self._queue.get()
        if kind == "batch":
            return value
        if kind == "error":
            raise value
        raise StopIteration

    def close(self) -> None:
        self._stop.set()
        while True:  # unblock a producer waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._thread.join(timeout=5)

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
