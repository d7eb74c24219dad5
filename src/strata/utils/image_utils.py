"""Image file helpers (``keras.utils.load_img``, ``img_to_array``, ``array_to_img``, ``save_img``).

They read and write files with Pillow and return Pillow images or NumPy arrays, exactly as Keras
does: ``load_img`` resizes with **nearest** by default (the dataset utility uses bilinear),
``img_to_array`` gives ``floatx`` arrays in ``(H, W, C)`` (or ``(C, H, W)``), and ``array_to_img``
rescales to 0–255 unless ``scale=False``.
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings
from typing import Any

import numpy as np

from strata import config

_COLOR_MODES = ("grayscale", "rgb", "rgba")
_PIL_MODE_OF_CHANNELS = {1: "L", 3: "RGB", 4: "RGBA"}


def _pil():
    from PIL import Image

    return Image


def _resampling_methods() -> dict[str, Any]:
    resampling = _pil().Resampling
    return {"nearest": resampling.NEAREST, "bilinear": resampling.BILINEAR, "bicubic": resampling.BICUBIC,
            "hamming": resampling.HAMMING, "box": resampling.BOX, "lanczos": resampling.LANCZOS}


def standardize_data_format(value: Any) -> str:
    """``None`` → ``config.image_data_format()``; otherwise checked and lower-cased."""
    if value is None:
        return config.image_data_format()
    data_format = str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value!r}"
        )
    return data_format


def convert_color_mode(img: Any, color_mode: str) -> Any:
    """Convert a Pillow image as Keras does: grayscale keeps 8-, 16- and 32-bit gray modes."""
    if color_mode == "grayscale":
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    if color_mode == "rgba":
        return img if img.mode == "RGBA" else img.convert("RGBA")
    if color_mode == "rgb":
        return img if img.mode == "RGB" else img.convert("RGB")
    raise ValueError(
        f'color_mode must be "grayscale", "rgb", or "rgba". Received: color_mode={color_mode!r}'
    )


def load_img(path: str | os.PathLike | bytes | io.BytesIO, color_mode: str = "rgb",
             target_size: tuple[int, int] | None = None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False) -> Any:
    """Load an image file into a Pillow image.

    Args:
        path: a file path (``str``, ``bytes`` or path-like) or an ``io.BytesIO``.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``.
        target_size: ``None`` (keep the file's size) or ``(height, width)``.
        interpolation: Pillow resampling used when ``target_size`` differs from the file's size:
            ``"nearest"`` (the default), ``"bilinear"``, ``"bicubic"``, ``"hamming"``, ``"box"``
            or ``"lanczos"``.
        keep_aspect_ratio: resize the largest centred crop with the target's aspect ratio instead
            of stretching the whole image.

    Returns:
        A ``PIL.Image.Image`` (its ``.size`` is ``(width, height)``).

    Example:
        >>> import tempfile, numpy as np
        >>> path = tempfile.mktemp(suffix=".png")
        >>> save_img(path, np.zeros((10, 14, 3)))
        >>> load_img(path, target_size=(5, 6)).size
        (6, 5)
    """
    if isinstance(path, io.BytesIO):
        img = _pil().open(path)
    elif isinstance(path, (str, bytes, os.PathLike)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as file:
            img = _pil().open(io.BytesIO(file.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    img = convert_color_mode(img, color_mode)
    if target_size is None:
        return img
    methods = _resampling_methods()
    if interpolation not in methods:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            f"{', '.join(methods)}. Received: interpolation={interpolation!r}"
        )
    width_height = (int(target_size[1]), int(target_size[0]))
    if img.size == width_height:
        return img
    if not keep_aspect_ratio:
        return img.resize(width_height, methods[interpolation])
    width, height = img.size
    crop_height = min(height, (width * width_height[1]) // width_height[0])
    crop_width = min(width, (height * width_height[0]) // width_height[1])
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    box = (left, top, left + crop_width, top + crop_height)
    return img.resize(width_height, methods[interpolation], box=box)


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """Convert a Pillow image to a NumPy array of ``floatx`` (float32).

    Args:
        img: a Pillow image (or anything ``np.asarray`` reads as ``(H, W)`` or ``(H, W, C)``).
        data_format: ``"channels_last"`` gives ``(H, W, C)``, ``"channels_first"`` ``(C, H, W)``;
            ``None`` uses ``config.image_data_format()``.
        dtype: the array dtype; ``None`` uses ``config.floatx()``.

    Returns:
        A 3-D NumPy array; a grayscale image gets a channel axis of size 1.

    Example:
        >>> img = array_to_img(np.zeros((4, 5, 1)), scale=False)
        >>> img_to_array(img).shape
        (4, 5, 1)
    """
    data_format = standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x[None] if data_format == "channels_first" else x[..., None]
    raise ValueError(f"Unsupported image shape: {x.shape}. Pass a 2-D (gray) or 3-D image.")


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True, dtype: Any = None) -> Any:
    """Convert a 3-D array to a Pillow image.

    Args:
        x: an image array, ``(H, W, C)`` or ``(C, H, W)`` with 1, 3 or 4 channels.
        data_format: the layout of ``x``; ``None`` uses ``config.image_data_format()``.
        scale: shift and scale the values so the minimum is 0 and the maximum 255; with ``False``
            the values are cast to uint8 as they are (0.5 becomes 0).
        dtype: the float dtype used for the arithmetic; ``None`` uses ``config.floatx()``.

    Returns:
        A Pillow image of mode ``"L"`` (or ``"I"`` for gray values above 255), ``"RGB"`` or
        ``"RGBA"``.

    Example:
        >>> array_to_img(np.array([[[2.0], [4.0]]])).getpixel((1, 0))
        255
    """
    data_format = standardize_data_format(data_format)
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}"
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels not in _PIL_MODE_OF_CHANNELS:
        raise ValueError(f"Unsupported channel number: {channels}. Pass 1, 3 or 4 channels.")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit signed gray, Pillow mode "I"
            return _pil().fromarray(x[:, :, 0].astype("int32"), "I")
        return _pil().fromarray(x[:, :, 0].astype("uint8"), "L")
    return _pil().fromarray(x.astype("uint8"), _PIL_MODE_OF_CHANNELS[channels])


def save_img(path: str | os.PathLike | Any, x: Any, data_format: str | None = None,
             file_format: str | None = None, scale: bool = True, **kwargs: Any) -> None:
    """Save an image array to a file (through :func:`array_to_img` and Pillow).

    Args:
        path: a file path or a writable file object.
        x: the image array.
        data_format: the layout of ``x``; ``None`` uses ``config.image_data_format()``.
        file_format: ``"png"``, ``"jpeg"``... ; ``None`` takes it from the path's suffix (a file
            object needs it). ``"jpg"`` means ``"jpeg"``.
        scale: rescale the values to 0–255 first (see :func:`array_to_img`).
        **kwargs: passed to ``PIL.Image.Image.save`` (e.g. ``quality=95``).

    An RGBA image saved as JPEG is converted to RGB with a warning, as in Keras.

    Example:
        >>> import tempfile
        >>> save_img(tempfile.mktemp(suffix=".jpg"), np.random.rand(8, 8, 3))
    """
    data_format = standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format and file_format.lower() == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format or None, **kwargs)
