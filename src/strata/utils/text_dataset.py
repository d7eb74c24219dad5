"""``text_dataset_from_directory`` (``keras.utils``): a labelled text dataset from a folder tree.

``directory/pos/*.txt, directory/neg/*.txt`` gives one sample per ``.txt`` file (the extension in any
case): the file's raw text, trailing newline kept, labelled by its sub-folder.  Indexing, file order,
the seeded shuffle of the file list, the train/validation split and the printed lines are Keras 3's,
shared with ``image_dataset_from_directory`` (:mod:`strata.utils.dataset_index`).

Keras returns a ``tf.data.Dataset`` of ``tf.string`` batches; strata needs no TensorFlow and returns
a :class:`TextFolderDataset` (a ``PyDataset``) whose batches are NumPy arrays of Python ``str``
(decoded from UTF-8) with NumPy labels.  ``max_length`` keeps the first ``max_length`` *bytes* of
each file, as Keras's ``tf.strings.substr`` does; where that cuts a multi-byte character, Keras keeps
the partial bytes and strata, which returns text, drops them.  With ``shuffle=True`` the first
epoch's order is Keras's seeded file shuffle; Keras's second ``tf.data`` shuffle is replaced by a new
order drawn from ``(seed, epoch)`` at every later epoch (reproducible, but not TensorFlow's order).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.utils.dataset_index import (check_labels_for_mode, check_split, index_directory, layout_example,
                                        shuffle_files, split_subset)
from strata.utils.folder_dataset import FolderDataset

TEXT_FORMATS = (".txt",)


def read_text(path: str, max_length: int | None = None) -> str:
    """The text of one file (UTF-8), cut to its first ``max_length`` bytes when given."""
    with open(path, "rb") as handle:
        raw = handle.read()
    if max_length is not None:
        raw = raw[:max_length]
    return raw.decode("utf-8", errors="ignore" if max_length is not None else "strict")


class TextFolderDataset(FolderDataset):
    """Batches of texts (and labels) read from files, returned by ``text_dataset_from_directory``.

    Args:
        file_paths: the text files, in the order of the first epoch.
        labels: one integer label per file, or ``None`` for texts only.
        label_mode: ``"int"`` (int32 ``(B,)``), ``"categorical"`` (float32 one-hot ``(B, K)``),
            ``"binary"`` (float32 ``(B, 1)``) or ``None`` (texts only).
        class_names: the class names (``K = len(class_names)``), or ``None``.
        batch_size: files per batch; ``None`` gives single ``(text, label)`` elements.
        max_length: keep at most this many bytes of each file.
        shuffle: reorder the files at every ``on_epoch_end``.
        seed: the seed of those reorderings.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` (see ``PyDataset``).

    Example:
        >>> ds = TextFolderDataset([], None, None, None)
        >>> len(ds)
        0
    """

    def __init__(self, file_paths: Sequence[str], labels: Sequence[int] | None, label_mode: str | None,
                 class_names: Sequence[str] | None, batch_size: int | None = 32, max_length: int | None = None,
                 shuffle: bool = False, seed: int = 0, **kwargs: Any) -> None:
        super().__init__(file_paths, labels, label_mode, class_names, batch_size, shuffle, seed, **kwargs)
        self.max_length = max_length

    def _load(self, path: str) -> np.str_:
        return np.str_(read_text(path, self.max_length))

    def _stack(self, items: list) -> np.ndarray:
        return np.array(items, dtype=str)


def _check_arguments(labels, label_mode, class_names, batch_size, max_length, format) -> None:
    if not (labels is None or (isinstance(labels, str) and labels == "inferred")):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size as the number "
                "of text files in the target directory. If you wish to infer the labels from the "
                'subdirectory names in the target directory, pass `labels="inferred"`. If you wish to get a '
                f"dataset that only contains text samples (no labels), pass `labels=None`. Received: labels={labels}"
            )
        if class_names:
            raise ValueError(
                f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, and '
                f"class_names={class_names}"
            )
        if not all(isinstance(label, (int, np.integer)) and not isinstance(label, bool) for label in labels):
            raise ValueError(f"`labels` must be integers (one per text file). Received: labels={labels}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    for name, value in (("batch_size", batch_size), ("max_length", max_length)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                                  or value <= 0):
            raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")


def text_dataset_from_directory(
    directory: str | os.PathLike,
    labels: str | Sequence[int] | None = "inferred",
    label_mode: str | None = "int",
    class_names: Sequence[str] | None = None,
    batch_size: int | None = 32,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    format: str = "tf",
    verbose: bool = True,
) -> TextFolderDataset | list[TextFolderDataset]:
    """A dataset of texts (and labels) from a directory with one sub-folder of ``.txt`` files per class.

    Args:
        directory: the folder to read.
        labels: ``"inferred"`` (from the sub-folders), ``None`` (texts only, read from the whole tree),
            or a list of integer labels, one per file in sorted-path order.
        label_mode: ``"int"`` (int32 ``(B,)``), ``"categorical"`` (float32 one-hot ``(B, K)``),
            ``"binary"`` (float32 ``(B, 1)``, needs exactly 2 classes) or ``None`` (texts only).
        class_names: with inferred labels, the sub-folders to read, in the order of their labels.
        batch_size: texts per batch (the last one may be smaller); ``None`` yields single texts.
        max_length: keep at most this many bytes of each text (``None``: all of it).
        shuffle: shuffle the files (``False``: sorted order).
        seed: the shuffle seed; ``None`` draws one with ``np.random.randint(1e6)``. Required with
            ``validation_split`` and ``shuffle=True``.
        validation_split: the fraction of the files (the last ones after the shuffle) kept for
            validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns ``[train, validation]``).
        follow_links: also walk into sub-folders that are symbolic links.
        format: ``"tf"`` or ``"grain"``; either gives strata's ``TextFolderDataset``.
        verbose: print how many files and classes were found.

    Returns:
        A ``TextFolderDataset`` (``class_names``, ``file_paths``, NumPy batches of ``str``), or
        ``[train, validation]`` with ``subset="both"``.

    Example:
        >>> import tempfile, pathlib
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> for name, text in [("neg/a.txt", "bad\\n"), ("pos/b.txt", "great film")]:
        ...     (root / name).parent.mkdir(exist_ok=True)
        ...     _ = (root / name).write_text(text)
        >>> ds = text_dataset_from_directory(root, batch_size=2, shuffle=False)
        Found 2 files belonging to 2 classes.
        >>> texts, labels = ds[0]
        >>> texts.tolist(), labels.tolist(), ds.class_names
        (['bad\\n', 'great film'], [0, 1], ['neg', 'pos'])
    """
    _check_arguments(labels, label_mode, class_names, batch_size, max_length, format)
    if labels is None or label_mode is None:
        labels = label_mode = None
    check_split(validation_split, subset, shuffle, seed)
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise (NotADirectoryError if os.path.exists(directory) else FileNotFoundError)(
            f"`directory` must be an existing folder. Received: directory={directory!r}. Pass the folder "
            f"that holds one sub-folder per class ({layout_example(TEXT_FORMATS)})."
        )
    if seed is None:
        seed = np.random.randint(1e6)
    labels = list(labels) if isinstance(labels, (list, tuple)) else labels
    paths, labels, class_names = index_directory(directory, labels, class_names, follow_links, verbose,
                                                 TEXT_FORMATS, kind="text files")
    check_labels_for_mode(label_mode, labels, class_names)
    if shuffle:
        shuffle_files(paths, labels, seed)

    def make(subset_paths, subset_labels, reshuffle):
        return TextFolderDataset(subset_paths, subset_labels, label_mode, class_names, batch_size, max_length,
                                 reshuffle, int(seed))

    if subset == "both":
        train = split_subset(paths, labels, validation_split, "training")
        validation = split_subset(paths, labels, validation_split, "validation")
        return [make(*train, shuffle), make(*validation, False)]
    return make(*split_subset(paths, labels, validation_split, subset), shuffle)
