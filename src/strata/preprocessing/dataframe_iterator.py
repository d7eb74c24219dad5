"""``DataFrameIterator``: batches of images named in a pandas DataFrame (``flow_from_dataframe``).

Column ``x_col`` holds file names (relative to ``directory`` when given); ``y_col`` the labels, whose
meaning depends on ``class_mode``:

* ``"categorical"``: a class name, or a list of names (multi-label, a multi-hot row);
* ``"binary"`` / ``"sparse"``: a class name, given as a float index;
* ``"raw"``: any values, returned as they are (``y_col`` may name several columns);
* ``"multi_output"``: ``y_col`` is a list of columns, one output each;
* ``"input"`` / ``None``: no labels from the frame.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from strata.preprocessing.file_iterators import FileBatches

_NO_CLASSES = ("input", "multi_output", "raw", None)


class DataFrameIterator(FileBatches):
    """Batches of augmented images listed in a DataFrame (what ``flow_from_dataframe`` returns).

    Rows whose file is missing or not an image are dropped with a warning when
    ``validate_filenames`` is true, and rows whose labels are not in ``classes`` are dropped.

    Attributes:
        filenames: ``x_col`` of the rows kept, in order.
        classes: the class index (or list of indices) of every row, for the class modes with classes.
        class_indices: class name -> index (sorted names unless ``classes`` is given).
        samples: the number of rows kept.

    Example:
        >>> df = pd.DataFrame({"filename": ["a.png", "b.png"], "class": ["cat", "dog"]})  # doctest: +SKIP
        >>> it = ImageDataGenerator().flow_from_dataframe(df, "images", target_size=(32, 32))  # doctest: +SKIP
        Found 2 validated image filenames belonging to 2 classes.
    """

    allowed_class_modes = ("binary", "categorical", "input", "multi_output", "raw", "sparse", None)

    def __init__(
        self,
        dataframe: Any,
        directory: str | os.PathLike | None = None,
        image_data_generator: Any = None,
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
        data_format: str = "channels_last",
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        subset: str | None = None,
        interpolation: str = "nearest",
        keep_aspect_ratio: bool = False,
        dtype: str = "float32",
        validate_filenames: bool = True,
    ) -> None:
        self._set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                   save_prefix, save_format, subset, interpolation, keep_aspect_ratio, class_mode,
                                   dtype)
        df = dataframe.copy()
        self.directory = directory or ""
        self._check_columns(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._valid_rows(df, x_col)
        if class_mode not in _NO_CLASSES:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = {name: i for i, name in enumerate(classes)}
        if self.split is not None:
            df = df.iloc[int(self.split[0] * len(df)) : int(self.split[1] * len(df)), :]
        if class_mode not in _NO_CLASSES:
            index = self.class_indices
            self.classes = [
                [index[c] for c in label] if isinstance(label, (list, tuple)) else index[label] for label in df[y_col]
            ]
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        elif class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        kind = "validated" if validate_filenames else "non-validated"
        found = f"Found {self.samples} {kind} image filenames"
        print(found + ("." if class_mode in _NO_CLASSES else f" belonging to {len(classes)} classes."), flush=True)
        self._filepaths = [os.path.join(self.directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _check_columns(self, df: Any, x_col: str, y_col: Any, weight_col: str | None, classes: Any) -> None:
        mode = self.class_mode
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(
                f'If class_mode="multi_output", `y_col` must be a list of column names. '
                f"Received: y_col={y_col!r} ({type(y_col).__name__})"
            )
        if not all(isinstance(v, str) for v in df[x_col]):
            raise TypeError(f"All values in column x_col={x_col!r} must be strings (file names).")
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in df[y_col]):
            raise TypeError(
                f'If class_mode="{mode}", y_col="{y_col}" column values must be strings (class names). '
                'For numeric targets use class_mode="raw".'
            )
        if mode == "binary":
            count = len(set(classes)) if classes else df[y_col].nunique()
            if count != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. Found {count} classes.')
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple)) for v in df[y_col]):
            raise TypeError(
                f'If class_mode="categorical", y_col="{y_col}" column values must be type string, list or tuple.'
            )
        if classes and mode in _NO_CLASSES:
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"', stacklevel=4)
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col!r} must be numeric. Received dtype {df[weight_col].dtype}.")

    @staticmethod
    def _filter_classes(df: Any, y_col: str, classes: Any) -> tuple[Any, list]:
        """Rows whose labels are in ``classes`` (labels outside them removed), and the class list."""
        if not classes:
            found: set = set()
            for label in df[y_col]:
                if isinstance(label, (list, tuple)):
                    found.update(label)
                else:
                    found.add(label)
            return df.dropna(subset=[y_col]), sorted(found)
        classes = list(dict.fromkeys(classes))
        wanted = set(classes)

        def keep(label: Any) -> Any:
            if isinstance(label, (list, tuple)):
                return [c for c in label if c in wanted] or None
            if isinstance(label, str):
                return label if label in wanted else None
            raise TypeError(f"Labels in y_col={y_col!r} must be strings, lists or tuples. Received: {label!r}")

        df = df.copy()
        df[y_col] = df[y_col].apply(keep)
        return df.dropna(subset=[y_col]), classes

    def _valid_rows(self, df: Any, x_col: str) -> Any:
        def valid(name: str) -> bool:
            path = os.path.join(self.directory, name)
            return path.lower().endswith(self.white_list_formats) and os.path.isfile(path)

        mask = df[x_col].map(valid).astype(bool)
        invalid = int((~mask).sum())
        if invalid:
            warnings.warn(
                f'Found {invalid} invalid image filename(s) in x_col="{x_col}". These filename(s) will be ignored.',
                stacklevel=4,
            )
        return df[mask]

    @property
    def labels(self) -> Any:
        """The targets: ``classes``, or the raw / multi-output values."""
        return self._targets if self.class_mode in ("multi_output", "raw") else self.classes

    @property
    def sample_weight(self) -> Any:
        return self._sample_weight
