"""``image_dataset_from_directory`` (``keras.utils``): a labelled image dataset from a folder tree.

Indexing, file order, the seeded shuffle of the file list, the train/validation split and the printed
lines follow Keras 3 exactly.  Instead of a ``tf.data`` or Grain dataset, strata returns its own
:class:`~strata.utils.image_folder_dataset.ImageFolderDataset` (a ``PyDataset``) for both
``format="tf"`` and ``format="grain"``: no TensorFlow or Grain is needed, ``fit`` streams it, and
``for images, labels in ds`` gives NumPy batches.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.utils.image_folder_dataset import ImageFolderDataset
from strata.utils.image_resize import INTERPOLATIONS
from strata.utils.image_utils import standardize_data_format

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}
_LAYOUT = "directory/class_a/xxx.jpg, directory/class_b/yyy.jpg"


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_arguments(labels, label_mode, class_names, color_mode, batch_size, image_size, interpolation,
                     crop_to_aspect_ratio, pad_to_aspect_ratio, format) -> tuple:
    if labels is not None and not isinstance(labels, (list, tuple, np.ndarray)) and labels != "inferred":
        raise ValueError(
            "`labels` argument should be a list/tuple of integer labels, of the same size as the number of "
            'image files in the target directory. If you wish to infer the labels from the subdirectory names '
            'in the target directory, pass `labels="inferred"`. If you wish to get a dataset that only contains '
            f"images (no labels), pass `labels=None`. Received: labels={labels}"
        )
    explicit = not (labels is None or isinstance(labels, str))
    if explicit:
        labels = list(np.asarray(labels).tolist())
        if not all(_is_int(label) for label in labels):
            raise ValueError(f"`labels` must be integers (one per image file). Received: labels={labels}")
        if class_names:
            raise ValueError(
                f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, and '
                f"class_names={class_names}"
            )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )
    if color_mode not in _CHANNELS:
        raise ValueError(
            f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: color_mode={color_mode}'
        )
    if _is_int(image_size):
        image_size = (image_size, image_size)
    if (not isinstance(image_size, (list, tuple)) or len(image_size) != 2
            or not all(_is_int(side) and side > 0 for side in image_size)):
        raise ValueError(
            "Invalid `image_size` value. Expected a tuple of 2 positive integers (height, width), e.g. "
            f"image_size=(180, 180). Received: image_size={image_size}"
        )
    if batch_size is not None and not (_is_int(batch_size) and batch_size > 0):
        raise ValueError(
            f"`batch_size` must be a positive integer, or None for unbatched images. "
            f"Received: batch_size={batch_size}"
        )
    interpolation = str(interpolation).lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Argument `interpolation` should be one of {INTERPOLATIONS}. Received: "
            f"interpolation={interpolation}. (Keras on JAX resizes with the same five methods; "
            '"area", "gaussian" and "mitchellcubic" exist only in its TensorFlow pipeline.)'
        )
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError(
            "Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`. "
            f"Received: crop_to_aspect_ratio={crop_to_aspect_ratio}, pad_to_aspect_ratio={pad_to_aspect_ratio}"
        )
    return labels, tuple(int(side) for side in image_size), interpolation


def _check_split(validation_split, subset, shuffle, seed) -> None:
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


def _valid_files(directory: str, follow_links: bool) -> list[str]:
    """Relative paths of the allowed image files under ``directory``, in Keras's order: directories
    sorted by path, files sorted by name within each."""
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        found += [os.path.relpath(os.path.join(root, name), directory) for name in sorted(files)
                  if name.lower().endswith(ALLOWLIST_FORMATS)]
    return found


def _describe_empty(directory: str, subdirs: list[str], inferred: bool) -> str:
    """The "no images" error: what the folder holds, and the layout that works."""
    top_level = [name for name in os.listdir(directory) if os.path.isfile(os.path.join(directory, name))]
    images = [name for name in top_level if name.lower().endswith(ALLOWLIST_FORMATS)]
    if not inferred:
        found = "no file under it has an allowed extension"
    elif subdirs:
        found = f"its class sub-folders {subdirs} hold no file with an allowed extension"
    else:
        found = (f"it has no class sub-folders ({len(top_level)} files at its top level, "
                 f"{len(images)} of them images)")
    fix = "; or pass labels=None to read images without labels" if inferred and images else ""
    return (f"No images found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}. Found: {found}. "
            f"Expected one sub-folder of images per class: {_LAYOUT}{fix}.")


def _index_directory(directory, labels, class_names, follow_links, verbose) -> tuple:
    """``(file_paths, labels, class_names)`` in Keras's order (before any shuffle)."""
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
        files = _valid_files(os.path.join(directory, subdir), follow_links)
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
        raise ValueError(_describe_empty(directory, subdirs if inferred else [], inferred))
    return paths, labels, subdirs


def _split(paths: list, labels: list | None, validation_split: float | None, subset: str | None) -> tuple:
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


def image_dataset_from_directory(
    directory: str | os.PathLike,
    labels: str | Sequence[int] | None = "inferred",
    label_mode: str | None = "int",
    class_names: Sequence[str] | None = None,
    color_mode: str = "rgb",
    batch_size: int | None = 32,
    image_size: tuple[int, int] = (256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str | None = None,
    format: str = "tf",
    verbose: bool = True,
) -> ImageFolderDataset | list[ImageFolderDataset]:
    """A dataset of image batches (and labels) from a directory with one sub-folder per class.

    ``directory/class_a/*.jpg, directory/class_b/*.png ...`` gives label 0 to ``class_a`` and 1 to
    ``class_b`` (sub-folders in sorted order, hidden ones skipped; files found recursively; extensions
    ``.bmp .gif .jpeg .jpg .png`` in any case).  Images come as float32 in ``[0, 255]`` (not rescaled),
    resized to ``image_size``.

    Keras returns a ``tf.data.Dataset`` (``format="tf"``) or a Grain dataset (``format="grain"``).
    strata needs neither TensorFlow nor Grain and returns its own
    :class:`~strata.utils.image_folder_dataset.ImageFolderDataset` for both formats: a ``PyDataset``
    with ``class_names``, ``file_paths``, ``len()`` (batches) and NumPy batches from ``ds[i]`` or
    ``for x, y in ds``.  With ``shuffle=True`` the file list is shuffled once with the seed (as in
    Keras) and reshuffled at every epoch end, reproducibly from the seed.

    Args:
        directory: the folder to read.
        labels: ``"inferred"`` (from the sub-folders), ``None`` (images only, read from the whole
            tree), or a list of integer labels, one per file in sorted-path order.
        label_mode: ``"int"`` (int32 ``(B,)``), ``"categorical"`` (float32 one-hot ``(B, K)``),
            ``"binary"`` (float32 ``(B, 1)``, needs exactly 2 classes) or ``None`` (images only).
        class_names: with inferred labels, the sub-folders to read, in the order of their labels.
        color_mode: ``"rgb"`` (3 channels), ``"rgba"`` (4) or ``"grayscale"`` (1).
        batch_size: images per batch (the last one may be smaller); ``None`` yields single images.
        image_size: ``(height, width)`` of the images produced (an int means a square).
        shuffle: shuffle the files (``False``: sorted order).
        seed: the shuffle seed; ``None`` draws one with ``np.random.randint(1e6)``. Required with
            ``validation_split`` and ``shuffle=True``.
        validation_split: the fraction of the files (the last ones after the shuffle) kept for
            validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns ``[train, validation]``).
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        follow_links: also walk into sub-folders that are symbolic links.
        crop_to_aspect_ratio: resize the largest centred crop with the target's aspect ratio.
        pad_to_aspect_ratio: pad with zeros to the target's aspect ratio before resizing.
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None`` uses the global setting.
        format: ``"tf"`` or ``"grain"``; either gives strata's own dataset (see above).
        verbose: print how many files and classes were found.

    Returns:
        An ``ImageFolderDataset``, or ``[train, validation]`` with ``subset="both"``.

    Example:
        >>> import tempfile, numpy as np
        >>> from strata.utils import save_img
        >>> root = tempfile.mkdtemp()
        >>> for name in ["cats", "dogs"]:
        ...     os.makedirs(os.path.join(root, name))
        ...     save_img(os.path.join(root, name, "a.png"), np.random.rand(12, 16, 3))
        >>> ds = image_dataset_from_directory(root, image_size=(8, 8), batch_size=2, shuffle=False)
        Found 2 files belonging to 2 classes.
        >>> images, labels = ds[0]
        >>> images.shape, images.dtype.name, labels.tolist(), ds.class_names
        ((2, 8, 8, 3), 'float32', [0, 1], ['cats', 'dogs'])
    """
    labels, image_size, interpolation = _check_arguments(
        labels, label_mode, class_names, color_mode, batch_size, image_size, interpolation,
        crop_to_aspect_ratio, pad_to_aspect_ratio, format)
    if labels is None or label_mode is None:
        labels = label_mode = None
    _check_split(validation_split, subset, shuffle, seed)
    data_format = standardize_data_format(data_format)
    if not os.path.exists(directory):
        raise FileNotFoundError(
            f"The directory {directory!r} does not exist. Pass the folder that holds one sub-folder per "
            f"class ({_LAYOUT})."
        )
    if not os.path.isdir(directory):
        raise NotADirectoryError(
            f"`directory` must be a folder, but {directory!r} is a file. Pass the folder that holds one "
            f"sub-folder per class ({_LAYOUT})."
        )
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = _index_directory(directory, labels, class_names, follow_links, verbose)
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
    if shuffle:  # Keras shuffles paths and labels with two generators of the same seed
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)

    def make(subset_paths, subset_labels, reshuffle):
        return ImageFolderDataset(
            subset_paths, subset_labels, label_mode, class_names, image_size, _CHANNELS[color_mode],
            interpolation, data_format, crop_to_aspect_ratio, pad_to_aspect_ratio, batch_size, reshuffle, seed)

    if subset == "both":
        train = _split(paths, labels, validation_split, "training")
        validation = _split(paths, labels, validation_split, "validation")
        return [make(*train, shuffle), make(*validation, False)]
    return make(*_split(paths, labels, validation_split, subset), shuffle)
