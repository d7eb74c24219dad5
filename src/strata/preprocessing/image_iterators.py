"""Batch iterators of the legacy image API: the ``Iterator`` base and ``NumpyArrayIterator``.

An ``Iterator`` is a :class:`~strata.utils.PyDataset` (``len(it)`` batches, ``it[i]`` one batch,
``on_epoch_end`` reshuffles), so ``model.fit`` streams it on background threads, and it is also an
endless Python iterator as in tf.keras 2: ``next(it)`` walks the batches pass after pass and never
stops.

Randomness: every iterator has a seed (its ``seed`` argument, else the next seed of strata's root
stream), and the sample order of epoch ``e`` and the random transforms of each batch are drawn from
NumPy generators keyed by ``(seed, e, batch, ...)``.  Batches therefore do not depend on which
thread prepares them or in which order, and a program gives the same batches on every run.  The
draws are not Keras's (Keras reseeds NumPy's global generator).
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import Any

import numpy as np

from strata import config as strata_config
from strata.core import random as strata_random
from strata.utils.py_dataset import PyDataset

_ORDER, _ITEM, _NEXT = 0, 1, 2  # stream tags


def _check_int(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"`{name}` must be an integer >= {low}. Received: {name}={value!r}")


class Iterator(PyDataset):
    """Base class of the image batch iterators (``keras.preprocessing.image.Iterator``).

    Subclasses implement ``_get_batches_of_transformed_samples(index_array)``, or
    ``_transformed_batch(index_array, rng)`` to draw their random numbers from ``rng``.

    Args:
        n: the number of samples.
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: whether to visit the samples in a new random order every epoch.
        seed: the seed of the shuffling and of the random transforms (``None``: the next seed of
            strata's root stream).
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` (see ``PyDataset``).

    Example:
        >>> class Squares(Iterator):
        ...     def _get_batches_of_transformed_samples(self, index_array):
        ...         return index_array**2
        >>> it = Squares(5, batch_size=2, shuffle=False, seed=0)
        >>> len(it), it[2], next(it), next(it), next(it), next(it)
        (3, array([16]), array([0, 1]), array([4, 9]), array([16]), array([0, 1]))
    """

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_int("batch_size", batch_size, 1)
        if seed is not None:
            _check_int("seed", seed, 0)
        self.n = int(n)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array: np.ndarray | None = None
        self._seed = strata_random.next_seed() if seed is None else int(seed)
        self._epoch = 0
        self._fetches: dict[int, int] = {}
        self._flow_pass = 0
        self._flow_order = np.arange(self.n)

    def _rng(self, *key: int) -> np.random.Generator:
        return np.random.default_rng((self._seed, *key))

    def _order(self, epoch: int) -> np.ndarray:
        if self.shuffle:
            return self._rng(_ORDER, epoch).permutation(self.n)
        return np.arange(self.n)

    def _set_index_array(self) -> None:
        self.index_array = self._order(self._epoch)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx: int) -> Any:
        """Batch ``idx`` of the current epoch (negative indices count from the end)."""
        length = len(self)
        if not -length <= idx < length:
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length {length}")
        idx %= length
        with self.lock:
            if self.index_array is None:
                self._set_index_array()
            index_array = self.index_array[self.batch_size * idx : self.batch_size * (idx + 1)]
            fetches = self._fetches.get(idx, 0)
            self._fetches[idx] = fetches + 1
            self.total_batches_seen += 1
            rng = self._rng(_ITEM, self._epoch, idx, fetches)
        return self._transformed_batch(index_array, rng)

    def on_epoch_end(self) -> None:
        """Starts the next epoch: a new sample order when ``shuffle``."""
        with self.lock:
            self._epoch += 1
            self._fetches.clear()
            self._set_index_array()

    def reset(self) -> None:
        """Makes the next ``next(it)`` start a new pass over the data."""
        self.batch_index = 0

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        with self.lock:
            if self.batch_index == 0:
                self._flow_order = self._order(self._flow_pass)
                self._flow_pass += 1
            start = self.batch_index * self.batch_size
            index_array = self._flow_order[start : start + self.batch_size]
            rng = self._rng(_NEXT, self._flow_pass, self.batch_index)
            self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
            self.total_batches_seen += 1
        return self._transformed_batch(index_array, rng)

    def next(self) -> Any:
        """The next batch (tf.keras 2's ``iterator.next()``; same as ``next(iterator)``)."""
        return self.__next__()

    def _transformed_batch(self, index_array: np.ndarray, rng: np.random.Generator) -> Any:
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        """The batch of the samples at ``index_array``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `_get_batches_of_transformed_samples(self, index_array)`."
        )


def _augment_into(batch_x: np.ndarray, images: Any, generator: Any, rng: np.random.Generator, dtype: str) -> None:
    """Writes ``standardize(apply_transform(image))`` of each image into ``batch_x``."""
    seeds = rng.integers(2**31, size=len(batch_x))
    for i, image in enumerate(images):
        params = generator.get_random_transform(image.shape, seed=int(seeds[i]))
        batch_x[i] = generator.standardize(generator.apply_transform(image.astype(dtype), params))


def _save_batch(batch_x, index_array, data_format, save_to_dir, save_prefix, save_format, rng) -> None:
    """Saves each image of a batch as ``{prefix}_{index}_{random number}.{format}`` in ``save_to_dir``."""
    from strata.utils.image_utils import array_to_img

    for image, index in zip(batch_x, index_array):
        name = f"{save_prefix}_{index}_{rng.integers(10**7)}.{save_format}"
        array_to_img(image, data_format, scale=True).save(os.path.join(save_to_dir, name))


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from NumPy arrays (what ``ImageDataGenerator.flow`` returns).

    ``x`` is an array of rank 4, or a pair ``(images, other)`` where ``other`` is an array or a list
    of arrays passed through unchanged beside the images (batches then have a list as inputs).
    A batch is ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.

    Example:
        >>> from strata.preprocessing.image import ImageDataGenerator
        >>> it = ImageDataGenerator().flow(np.zeros((10, 4, 4, 3)), np.arange(10), batch_size=4)
        >>> len(it), it[2][0].shape
        (3, (2, 4, 4, 3))
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        image_data_generator: Any,
        batch_size: int = 32,
        shuffle: bool = False,
        sample_weight: Any = None,
        seed: int | None = None,
        data_format: str | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        subset: str | None = None,
        ignore_class_split: bool = False,
        dtype: str | None = None,
    ) -> None:
        data_format = strata_config.image_data_format() if data_format is None else data_format
        self.dtype = strata_config.floatx() if dtype is None else dtype
        x_misc: list[np.ndarray] = []
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(m) for m in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
            for other in x_misc:
                if len(other) != len(x):
                    raise ValueError(
                        "All of the arrays in `x` should have the same length. "
                        f"Found a pair with: len(x[0]) = {len(x)}, len(x[?]) = {len(other)}"
                    )
        for name, value in (("y", y), ("sample_weight", sample_weight)):
            if value is not None and len(x) != len(value):
                raise ValueError(
                    f"`x` (images) and `{name}` must have the same length. Received: x.shape={np.shape(x)}, "
                    f"{name}.shape={np.shape(value)}"
                )
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(
                    f"`subset` must be 'training', 'validation' or None. Received: subset={subset!r}"
                )
            split = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:split]), np.unique(y[split:]))):
                raise ValueError(
                    "Training and validation subsets have different number of classes after the split. If "
                    "your numpy arrays are sorted by the label, you might want to shuffle them (or pass "
                    "`ignore_class_split=True`)."
                )
            part = slice(None, split) if subset == "validation" else slice(split, None)
            x, x_misc = x[part], [m[part] for m in x_misc]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError(
                "`x` must have rank 4 (samples, rows, cols, channels in the generator's data_format). Received: "
                f"x with shape {self.x.shape}. Add a channel axis to grayscale images with `x[..., np.newaxis]`."
            )
        channel_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channel_axis] not in (1, 3, 4):
            warnings.warn(
                f'NumpyArrayIterator is set to use the data format convention "{data_format}" (channels on axis '
                f"{channel_axis}), i.e. expected either 1, 3, or 4 channels on axis {channel_axis}. However, it "
                f"was passed an array with shape {self.x.shape} ({self.x.shape[channel_axis]} channels).",
                stacklevel=3,
            )
        self.x_misc = x_misc
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        return self._transformed_batch(index_array, strata_random.host_generator())

    def _transformed_batch(self, index_array: np.ndarray, rng: np.random.Generator) -> Any:
        batch_x = np.zeros((len(index_array), *self.x.shape[1:]), dtype=self.dtype)
        _augment_into(batch_x, (self.x[j] for j in index_array), self.image_data_generator, rng, self.dtype)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir, self.save_prefix,
                        self.save_format, rng)
        inputs = [batch_x] + [m[index_array] for m in self.x_misc] if self.x_misc else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]
