"""``ImageFolderDataset``: the dataset ``image_dataset_from_directory`` returns.

A :class:`~strata.utils.PyDataset` over a list of image files: ``ds[i]`` decodes the files of batch
``i`` with Pillow, resizes them in NumPy (numerically ``keras.ops.image.resize``, see
:mod:`strata.utils.image_resize`) and returns NumPy arrays, so ``fit`` can stream it and prepare
batches on background threads.  With ``shuffle=True`` the order of the files changes at every
``on_epoch_end`` (as a ``tf.data`` shuffle does every epoch); the order of epoch ``e`` depends only on
``seed`` and ``e``, so a run is reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.utils.image_resize import crop_or_pad, resize_image
from strata.utils.image_utils import convert_color_mode
from strata.utils.folder_dataset import FolderDataset

_COLOR_MODE_OF_CHANNELS = {1: "grayscale", 3: "rgb", 4: "rgba"}


def decode_image(path: str, num_channels: int) -> np.ndarray:
    """Read one image file into an ``(H, W, C)`` array of the decoder's dtype (uint8 mostly).

    A file that Pillow cannot decode (not an image, truncated, corrupt) raises
    ``PIL.UnidentifiedImageError`` (an ``OSError``, as Keras's own error is) naming the file.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            array = np.asarray(convert_color_mode(img, _COLOR_MODE_OF_CHANNELS[num_channels]))
    except (OSError, ValueError, SyntaxError) as error:
        raise UnidentifiedImageError(
            f"Could not decode the image file '{path}': {error}. The file has an image extension "
            "but is not a readable image; delete or replace it (or move it out of the directory)."
        ) from error
    return array[..., None] if array.ndim == 2 else array


class ImageFolderDataset(FolderDataset):
    """Batches of images (and labels) read from files, returned by ``image_dataset_from_directory``.

    Args:
        file_paths: the image files, in the order of the first epoch.
        labels: one integer label per file, or ``None`` for images only.
        label_mode: ``"int"`` (int32 ``(B,)``), ``"categorical"`` (float32 one-hot ``(B, K)``),
            ``"binary"`` (float32 ``(B, 1)``) or ``None`` (images only).
        class_names: the class names (``K = len(class_names)``), or ``None``.
        image_size: ``(height, width)`` of the images produced.
        num_channels: 1 (grayscale), 3 (RGB) or 4 (RGBA).
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        data_format: ``"channels_last"`` (``(B, H, W, C)``) or ``"channels_first"`` (``(B, C, H, W)``).
        crop_to_aspect_ratio: resize the largest centred crop with the target's aspect ratio.
        pad_to_aspect_ratio: pad the image with zeros to the target's aspect ratio first.
        batch_size: files per batch; ``None`` gives single ``(image, label)`` elements.
        shuffle: reorder the files at every ``on_epoch_end``.
        seed: the seed of those reorderings.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` (see ``PyDataset``).

    Attributes:
        class_names: as given (``None`` without labels).
        file_paths: the files, in the order of the first epoch.

    Example:
        >>> ds = ImageFolderDataset([], None, None, None, (8, 8), 3, "bilinear", "channels_last")
        >>> len(ds)
        0
    """

    def __init__(self, file_paths: Sequence[str], labels: Sequence[int] | None, label_mode: str | None,
                 class_names: Sequence[str] | None, image_size: tuple[int, int], num_channels: int,
                 interpolation: str, data_format: str, crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, batch_size: int | None = 32, shuffle: bool = False,
                 seed: int = 0, **kwargs: Any) -> None:
        super().__init__(file_paths, labels, label_mode, class_names, batch_size, shuffle, seed, **kwargs)
        self.image_size = tuple(image_size)
        self.num_channels = num_channels
        self.interpolation = interpolation
        self.data_format = data_format
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio

    def _load(self, path: str) -> np.ndarray:
        image = decode_image(path, self.num_channels)
        image = crop_or_pad(image, self.image_size, self.crop_to_aspect_ratio, self.pad_to_aspect_ratio)
        image = resize_image(image, self.image_size, self.interpolation)
        return image.transpose(2, 0, 1) if self.data_format == "channels_first" else image
