"""Indexing a folder of class sub-folders: the file list, labels and the train/validation split.

``image_dataset_from_directory`` and ``text_dataset_from_directory`` find their files the same way
(Keras's ``dataset_utils``): classes are the sorted visible sub-folders (or explicit labels, or none),
files are found recursively, sorted by folder then name and filtered by extension (any case); after
the caller's seeded shuffle, the training part is the first files and the validation part the last
``int(validation_split * N)``, and Keras's lines are printed.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def layout_example(formats: tuple[str, ...]) -> str:
    """The folder layout that works, with an allowed extension (``.jpg`` for images)."""
    ext = ".jpg" if ".jpg" in formats else formats[0]
    return f"directory/class_a/xxx{ext}, directory/class_b/yyy{ext}"


def check_split(validation_split, subset, shuffle, seed) -> None:
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}. "
            "Pass a fraction such as validation_split=0.2."
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(
            "If `subset` is set, `validation_split` must be set, and inversely. "
            f"Received: validation_split={validation_split}, subset={subset!r}"
        )
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make "
            "sure that there is no overlap between the training and validation subset."
        )
    if seed is not None and not (_is_int(seed) and 0 <= seed < 2**32):
        raise ValueError(f"`seed` must be an integer in [0, 2**32). Received: seed={seed!r}")


def valid_files(directory: str, follow_links: bool, formats: tuple[str, ...]) -> list[str]:
    """Relative paths of the files with an allowed extension under ``directory``, in Keras's order: directories
    sorted by path, files sorted by name within each."""
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        found += [os.path.relpath(os.path.join(root, name), directory) for name in sorted(files)
                  if name.lower().endswith(formats)]
    return found


def _describe_empty(directory: str, subdirs: list[str], inferred: bool, formats: tuple[str, ...],
                    kind: str) -> str:
    """The "no files" error: what the folder holds, and the layout that works."""
    top_level = [name for name in os.listdir(directory) if os.path.isfile(os.path.join(directory, name))]
    usable = [name for name in top_level if name.lower().endswith(formats)]
    if not inferred:
        found = "no file under it has an allowed extension"
    elif subdirs:
        found = f"its class sub-folders {subdirs} hold no file with an allowed extension"
    else:
        found = (f"it has no class sub-folders ({len(top_level)} files at its top level, "
                 f"{len(usable)} of them {kind})")
    fix = f"; or pass labels=None to read {kind} without labels" if inferred and usable else ""
    return (f"No {kind} found in directory {directory}. Allowed formats: {formats}. Found: {found}. "
            f"Expected one sub-folder of {kind} per class: {layout_example(formats)}{fix}.")


def index_directory(directory, labels, class_names, follow_links, verbose, formats: tuple[str, ...],
                    kind: str = "images") -> tuple:
    """``(file_paths, labels, class_names)`` in Keras's order (before any shuffle); ``kind`` names
    the files in the error raised when none is found."""
    inferred = isinstance(labels, str)
    if inferred:
        subdirs = [name for name in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, name)) and not name.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories of the target "
                    f"directory. Expected: {subdirs} (or a subset of it), but received: class_names={class_names}"
                )
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(
                "When `labels=None` (no labels), argument `class_names` cannot be specified." if labels is None
                else "When argument `labels` is specified, argument `class_names` cannot be specified (the "
                "`class_names` will be the sorted list of labels)."
            )
        subdirs = [""]
    paths, found_labels = [], []
    for index, subdir in enumerate(subdirs):
        files = valid_files(os.path.join(directory, subdir), follow_links, formats)
        paths += [os.path.join(directory, subdir, name) for name in files]
        found_labels += [index] * len(files)
    if inferred:
        labels = found_labels
    elif labels is None:
        subdirs = None
    else:
        if len(labels) != len(paths):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target directory. "
                f"len(labels) is {len(labels)} while we found {len(paths)} files in directory {directory}."
            )
        subdirs = [str(label) for label in sorted(set(labels))]
    if verbose:
        print(f"Found {len(paths)} files." if labels is None
              else f"Found {len(paths)} files belonging to {len(subdirs)} classes.")
    if not paths:
        raise ValueError(_describe_empty(directory, subdirs if inferred else [], inferred, formats, kind))
    return paths, labels, subdirs


def split_subset(paths: list, labels: list | None, validation_split: float | None, subset: str | None) -> tuple:
    """The training (first) or validation (last) part of the shuffled files; prints Keras's line."""
    if not validation_split:
        return paths, labels
    num_val = int(validation_split * len(paths))
    if num_val == 0 or num_val == len(paths):
        raise ValueError(
            f"validation_split={validation_split} of {len(paths)} files leaves "
            f"{'no validation' if num_val == 0 else 'no training'} file (int({validation_split} * "
            f"{len(paths)}) = {num_val}). Use a validation_split between {1 / len(paths):.3g} and 1, or more files."
        )
    keep = slice(None, -num_val) if subset == "training" else slice(-num_val, None)
    print(f"Using {len(paths) - num_val} files for training." if subset == "training"
          else f"Using {num_val} files for validation.")
    return paths[keep], None if labels is None else labels[keep]


def check_labels_for_mode(label_mode: str | None, labels: Any, class_names: list[str]) -> None:
    """Keras's checks of ``label_mode`` against the classes and labels found."""
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f'Received: class_names={class_names}. Use label_mode="categorical" or "int" for more classes.'
        )
    if label_mode in ("categorical", "binary") and not 0 <= min(labels) <= max(labels) < len(class_names):
        raise ValueError(
            f"label_mode={label_mode!r} needs labels in [0, {len(class_names)}) (one per class). Received "
            f"labels from {min(labels)} to {max(labels)}. Renumber the labels 0..{len(class_names) - 1}."
        )


def shuffle_files(paths: list, labels: list | None, seed: int) -> None:
    """Shuffle ``paths`` and ``labels`` in place, as Keras does: two generators of the same seed."""
    np.random.RandomState(seed).shuffle(paths)
    if labels is not None:
        np.random.RandomState(seed).shuffle(labels)

