"""Iterators over image files: the shared file-batch machinery and ``DirectoryIterator``.

``flow_from_directory(directory)`` treats every sub-folder of ``directory`` as a class (sorted by
name, hidden folders included, as Keras does) and every image file below it, at any depth, as a
sample of that class.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from strata import config as strata_config
from strata.core import random as strata_random
from strata.preprocessing.image_iterators import Iterator, _augment_into, _save_batch

_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


class FileBatches(Iterator):
    """An ``Iterator`` whose samples are image files (the base of the directory and DataFrame iterators).

    Subclasses set ``filenames``, ``filepaths``, ``class_mode``, ``classes`` (and
    ``class_indices``), ``labels`` and ``sample_weight`` before calling ``Iterator.__init__``.
    """

    allowed_class_modes: tuple[str | None, ...] = ()

    def _set_processing_attrs(self, image_data_generator: Any, target_size: Any, color_mode: str,
                              data_format: str | None, save_to_dir: str | None, save_prefix: str, save_format: str,
                              subset: str | None, interpolation: str, keep_aspect_ratio: bool,
                              class_mode: str | None, dtype: str | None) -> None:
        if color_mode not in _CHANNELS:
            raise ValueError(
                f"`color_mode` must be 'rgb', 'rgba' or 'grayscale'. Received: color_mode={color_mode!r}"
            )
        if class_mode not in self.allowed_class_modes:
            raise ValueError(
                f"`class_mode` must be one of {list(self.allowed_class_modes)}. Received: class_mode={class_mode!r}"
            )
        if subset not in (None, "training", "validation"):
            raise ValueError(f"`subset` must be 'training', 'validation' or None. Received: subset={subset!r}")
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.color_mode = color_mode
        self.data_format = strata_config.image_data_format() if data_format is None else data_format
        channels = (_CHANNELS[color_mode],)
        last = self.data_format == "channels_last"
        self.image_shape = self.target_size + channels if last else channels + self.target_size
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.interpolation = interpolation
        self.keep_aspect_ratio = keep_aspect_ratio
        self.class_mode = class_mode
        self.dtype = strata_config.floatx() if dtype is None else dtype
        self.subset = subset
        self.split: tuple[float, float] | None = None
        if subset is not None:
            fraction = image_data_generator._validation_split if image_data_generator is not None else 0.0
            self.split = (0, fraction) if subset == "validation" else (fraction, 1)

    @property
    def filepaths(self) -> list[str]:
        """Full paths of the image files, in sample order."""
        return self._filepaths

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        return self._transformed_batch(index_array, strata_random.host_generator())

    def _load(self, index_array: np.ndarray):
        from strata.utils.image_utils import img_to_array, load_img

        for j in index_array:
            img = load_img(self._filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio)
            try:
                yield img_to_array(img, data_format=self.data_format, dtype=self.dtype)
            finally:
                if hasattr(img, "close"):
                    img.close()

    def _transformed_batch(self, index_array: np.ndarray, rng: np.random.Generator) -> Any:
        batch_x = np.zeros((len(index_array), *self.image_shape), dtype=self.dtype)
        if self.image_data_generator is not None:
            _augment_into(batch_x, self._load(index_array), self.image_data_generator, rng, self.dtype)
        else:
            for i, image in enumerate(self._load(index_array)):
                batch_x[i] = image
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir, self.save_prefix,
                        self.save_format, rng)
        mode = self.class_mode
        if mode is None:
            return batch_x
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in index_array], dtype=self.dtype).reshape(len(index_array))
        elif mode == "categorical":
            batch_y = np.zeros((len(index_array), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        else:  # raw
            batch_y = self.labels[index_array]
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]


def _image_files(folder: str, formats: tuple[str, ...], follow_links: bool) -> list[str]:
    """Paths of the files under ``folder`` whose names end with one of ``formats``, in walk order."""
    found = []
    for root, _, files in sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. Please verify your '
                              "output.", stacklevel=5)
            if name.lower().endswith(formats):
                found.append(os.path.join(root, name))
    return found


class DirectoryIterator(FileBatches):
    """Batches of images read from class sub-folders (what ``flow_from_directory`` returns).

    Attributes:
        class_indices: class name -> index, in sorted folder order.
        classes: the class index of every sample (int32).
        filenames: each sample's path relative to ``directory`` (``"cats/cat1.jpg"``).
        samples: the number of images found.

    Example:
        >>> gen = ImageDataGenerator(rescale=1 / 255)  # doctest: +SKIP
        >>> it = gen.flow_from_directory("data/train", target_size=(64, 64), class_mode="binary")  # doctest: +SKIP
        Found 2000 images belonging to 2 classes.
        >>> it.class_indices  # doctest: +SKIP
        {'cats': 0, 'dogs': 1}
    """

    allowed_class_modes = ("categorical", "binary", "sparse", "input", None)

    def __init__(
        self,
        directory: str | os.PathLike,
        image_data_generator: Any,
        target_size: tuple[int, int] = (256, 256),
        color_mode: str = "rgb",
        classes: list[str] | None = None,
        class_mode: str | None = "categorical",
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        data_format: str | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        follow_links: bool = False,
        subset: str | None = None,
        interpolation: str = "nearest",
        keep_aspect_ratio: bool = False,
        dtype: str | None = None,
    ) -> None:
        self._set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                   save_prefix, save_format, subset, interpolation, keep_aspect_ratio, class_mode,
                                   dtype)
        self.directory = directory
        if not os.path.isdir(directory):
            raise FileNotFoundError(
                f"`directory` must be an existing folder with one sub-folder of images per class. "
                f"Received: directory={os.fspath(directory)!r}, which is not a folder."
            )
        if not classes:
            classes = [d for d in sorted(os.listdir(directory)) if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = {name: i for i, name in enumerate(classes)}
        self.filenames: list[str] = []
        labels: list[int] = []
        for name in classes:
            folder = os.path.join(directory, name)
            paths = _image_files(folder, self.white_list_formats, follow_links)
            if self.split is not None:
                paths = paths[int(self.split[0] * len(paths)) : int(self.split[1] * len(paths))]
            self.filenames += [os.path.join(name, os.path.relpath(path, folder)) for path in paths]
            labels += [self.class_indices[name]] * len(paths)
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.", flush=True)
        self._filepaths = [os.path.join(directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def labels(self) -> np.ndarray:
        """The class index of every sample (the same array as ``classes``)."""
        return self.classes

    @property
    def sample_weight(self) -> None:
        return None
