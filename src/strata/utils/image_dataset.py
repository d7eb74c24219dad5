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

from strata.utils.dataset_index import (check_labels_for_mode, check_split, index_directory, shuffle_files,
                                        split_subset)
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
    check_split(validation_split, subset, shuffle, seed)
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
    paths, labels, class_names = index_directory(directory, labels, class_names, follow_links, verbose,
                                                 ALLOWLIST_FORMATS)
    check_labels_for_mode(label_mode, labels, class_names)
    if shuffle:
        shuffle_files(paths, labels, seed)

    def make(subset_paths, subset_labels, reshuffle):
        return ImageFolderDataset(
            subset_paths, subset_labels, label_mode, class_names, image_size, _CHANNELS[color_mode],
            interpolation, data_format, crop_to_aspect_ratio, pad_to_aspect_ratio, batch_size, reshuffle, seed)

    if subset == "both":
        train = split_subset(paths, labels, validation_split, "training")
        validation = split_subset(paths, labels, validation_split, "validation")
        return [make(*train, shuffle), make(*validation, False)]
    return make(*split_subset(paths, labels, validation_split, subset), shuffle)
