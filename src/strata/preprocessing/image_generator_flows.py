"""The ``flow*`` methods of ``ImageDataGenerator``: each returns an iterator over augmented batches.

They only pass the generator's settings (``data_format``, ``dtype``, ``validation_split``) on to
the iterator classes; the work is done there.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from strata.preprocessing.dataframe_iterator import DataFrameIterator
from strata.preprocessing.file_iterators import DirectoryIterator
from strata.preprocessing.image_iterators import NumpyArrayIterator

_DEPRECATED_DATAFRAME_ARGS = {
    "has_ext": "has_ext is deprecated, filenames in the dataframe have to match the exact filenames in disk.",
    "sort": "sort is deprecated, batches will be created in the same order than the filenames provided if "
            "`shuffle` is set to `False`.",
    "drop_duplicates": "drop_duplicates is deprecated, you can drop duplicates by using the "
                       "pandas.DataFrame.drop_duplicates method.",
}


class FlowMethods:
    """``flow``, ``flow_from_directory`` and ``flow_from_dataframe`` (mixed into ``ImageDataGenerator``)."""

    data_format: str
    dtype: str

    def flow(
        self,
        x: Any,
        y: Any = None,
        batch_size: int = 32,
        shuffle: bool = True,
        sample_weight: Any = None,
        seed: int | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        ignore_class_split: bool = False,
        subset: str | None = None,
    ) -> NumpyArrayIterator:
        """Batches of augmented images from arrays: ``x`` of rank 4 (or ``(images, other_inputs)``).

        Returns a :class:`NumpyArrayIterator` yielding ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
        ``subset="validation"`` takes the first ``validation_split`` of the samples, ``"training"``
        the rest (both before shuffling).
        """
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight, seed=seed,
            data_format=self.data_format, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype,
        )

    def flow_from_directory(
        self,
        directory: str | os.PathLike,
        target_size: tuple[int, int] = (256, 256),
        color_mode: str = "rgb",
        classes: list[str] | None = None,
        class_mode: str | None = "categorical",
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        follow_links: bool = False,
        subset: str | None = None,
        interpolation: str = "nearest",
        keep_aspect_ratio: bool = False,
    ) -> DirectoryIterator:
        """Batches of augmented images from one sub-folder per class; prints what it found.

        ``class_mode``: ``"categorical"`` (one-hot labels), ``"binary"`` / ``"sparse"`` (float class
        indices), ``"input"`` (the images again, for autoencoders) or ``None`` (images only).
        ``subset`` takes the first ``validation_split`` of each class's files for ``"validation"``
        and the rest for ``"training"``.

        Example:
            >>> gen = ImageDataGenerator(rescale=1 / 255)  # doctest: +SKIP
            >>> train = gen.flow_from_directory("data/train", target_size=(64, 64))  # doctest: +SKIP
            Found 2000 images belonging to 2 classes.
        """
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, batch_size=batch_size, shuffle=shuffle, seed=seed, data_format=self.data_format,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format, follow_links=follow_links,
            subset=subset, interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype,
        )

    def flow_from_dataframe(
        self,
        dataframe: Any,
        directory: str | os.PathLike | None = None,
        x_col: str = "filename",
        y_col: Any = "class",
        weight_col: str | None = None,
        target_size: tuple[int, int] = (256, 256),
        color_mode: str = "rgb",
        classes: list[str] | None = None,
        class_mode: str | None = "categorical",
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        subset: str | None = None,
        interpolation: str = "nearest",
        validate_filenames: bool = True,
        **kwargs: Any,
    ) -> DataFrameIterator:
        """Batches of augmented images whose file names (and labels) are columns of ``dataframe``.

        See :class:`DataFrameIterator` for the ``class_mode`` values.  The deprecated tf.keras
        arguments ``has_ext``, ``sort`` and ``drop_duplicates`` are accepted with a
        ``DeprecationWarning`` and ignored; ``class_mode="other"`` means ``"raw"``.
        """
        unknown = sorted(set(kwargs) - set(_DEPRECATED_DATAFRAME_ARGS))
        if unknown:
            raise TypeError(f"flow_from_dataframe() got unexpected keyword arguments: {unknown}")
        for name in kwargs:
            warnings.warn(_DEPRECATED_DATAFRAME_ARGS[name], DeprecationWarning, stacklevel=2)
        if class_mode == "other":
            warnings.warn('`class_mode="other"` is deprecated, please use `class_mode="raw"`.', DeprecationWarning,
                          stacklevel=2)
            class_mode = "raw"
        return DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col, target_size=target_size,
            color_mode=color_mode, classes=classes, class_mode=class_mode, data_format=self.data_format,
            batch_size=batch_size, shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation,
            validate_filenames=validate_filenames, dtype=self.dtype,
        )
