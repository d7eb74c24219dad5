"""Single-image transforms of the legacy ``ImageDataGenerator`` (``tf.keras.preprocessing.image``).

Every function takes one image, a rank-3 NumPy array, and returns a new one.  The affine transform
is resampled with ``scipy.ndimage.affine_transform``, the same routine and the same matrix Keras
builds, so for the same parameters the pixels equal Keras's.  SciPy and Pillow are imported inside
the functions that need them, keeping ``import strata`` fast.

The ``random_*`` helpers draw from strata's root random stream (``strata.utils.set_random_seed``)
instead of NumPy's global generator, so their draws are repeatable but not Keras's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.core import random as strata_random

FILL_MODES = ("constant", "nearest", "reflect", "wrap", "mirror", "grid-constant", "grid-mirror", "grid-wrap")
"""The ``fill_mode`` values ``scipy.ndimage.affine_transform`` accepts (Keras documents the first four)."""


def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` reversed along ``axis``."""
    return np.flip(np.asarray(x), axis)


def transform_matrix_offset_center(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """The homogeneous ``matrix`` re-expressed about the centre of an ``x`` by ``y`` grid."""
    cx, cy = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    to_center = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]], dtype="float64")
    from_center = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]], dtype="float64")
    return to_center @ matrix @ from_center


def _affine_matrix(theta: float, tx: float, ty: float, shear: float, zx: float, zy: float) -> np.ndarray | None:
    """Rotation @ shift @ shear @ zoom (only the parts that are not the identity), or ``None``."""
    parts = []
    if theta != 0:
        a = np.deg2rad(theta)
        parts.append([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        parts.append([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
    if zx != 1 or zy != 1:
        parts.append([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
    if not parts:
        return None
    matrix = np.asarray(parts[0], dtype="float64")
    for part in parts[1:]:
        matrix = matrix @ np.asarray(part, dtype="float64")
    return matrix


def apply_affine_transform(
    x: np.ndarray,
    theta: float = 0,
    tx: float = 0,
    ty: float = 0,
    shear: float = 0,
    zx: float = 1,
    zy: float = 1,
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    order: int = 1,
) -> np.ndarray:
    """Rotates, shifts, shears and zooms one image about its centre.

    Args:
        x: one image of rank 3.
        theta: rotation angle in degrees.
        tx: shift along the rows (in pixels); ty: shift along the columns.
        shear: shear angle in degrees.
        zx: zoom along the rows; zy: zoom along the columns (values below 1 zoom in).
        row_axis, col_axis, channel_axis: the axes of ``x`` (a permutation of 0, 1, 2, channels first
            or last).
        fill_mode: how points outside the image are filled (``"nearest"``, ``"constant"``,
            ``"reflect"``, ``"wrap"``, or another ``scipy.ndimage`` mode).
        cval: the fill value for ``fill_mode="constant"``.
        order: the spline interpolation order (0 to 5).

    Returns:
        The transformed image, same shape and dtype as ``x``.

    Example:
        >>> img = np.arange(9, dtype="float32").reshape(3, 3, 1)
        >>> np.rint(apply_affine_transform(img, theta=180, row_axis=0, col_axis=1, channel_axis=2)[..., 0])
        array([[8., 7., 6.],
               [5., 4., 3.],
               [2., 1., 0.]], dtype=float32)
    """
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError(
            "`row_axis`, `col_axis` and `channel_axis` must be 0, 1 and 2 in some order. Received: "
            f"row_axis={row_axis}, col_axis={col_axis}, channel_axis={channel_axis}"
        )
    if np.ndim(x) != 3:
        raise ValueError(
            "`x` must be one image of rank 3 (rows, cols and channels). "
            f"Received: x with shape {np.shape(x)}"
        )
    if channel_axis not in (0, 2):
        raise ValueError(
            f"`channel_axis` must be 0 (channels first) or 2 (channels last). Received: channel_axis={channel_axis}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(f"`fill_mode` must be one of {FILL_MODES}. Received: fill_mode={fill_mode!r}")
    matrix = _affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    from scipy import ndimage

    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:
        # The matrix is written for (x, y) coordinates; arrays index (row, col): swap both.
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    channels = np.moveaxis(x, channel_axis, 0)
    out = np.stack(
        [
            ndimage.affine_transform(c, matrix[:2, :2], matrix[:2, 2], order=order, mode=fill_mode, cval=cval)
            for c in channels
        ]
    )
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x: np.ndarray, intensity: float, channel_axis: int = 0) -> np.ndarray:
    """Adds ``intensity`` to every channel, clipped to the image's own minimum and maximum.

    Example:
        >>> apply_channel_shift(np.array([[[0.0, 5.0]]]), 2.0, channel_axis=2).tolist()
        [[[2.0, 5.0]]]
    """
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x))


def apply_brightness_shift(x: np.ndarray, brightness: float, scale: bool = True) -> np.ndarray:
    """Scales the brightness of one image (in ``image_data_format()``) by ``brightness`` with Pillow.

    The image goes through an 8-bit Pillow image, as Keras's does: values are rounded to integers
    and, with ``scale=True`` (or values outside [0, 255]), first stretched to [0, 255].  With
    ``scale=False`` values outside [0, 255] are mapped back to their original range afterwards.

    Example:
        >>> apply_brightness_shift(np.full((1, 1, 3), 100.0), 0.5, scale=False)[0, 0].tolist()
        [50.0, 50.0, 50.0]
    """
    return _brightness_shift(x, brightness, scale, data_format=None)


def _brightness_shift(x: np.ndarray, brightness: float, scale: bool, data_format: str | None) -> np.ndarray:
    from PIL import ImageEnhance

    from strata.utils.image_utils import array_to_img, img_to_array

    x_min, x_max = np.min(x), np.max(x)
    out_of_range = bool(x_min < 0 or x_max > 255)
    img = array_to_img(x, data_format=data_format, scale=out_of_range or scale)
    x = img_to_array(ImageEnhance.Brightness(img).enhance(brightness), data_format=data_format)
    if not scale and out_of_range:
        x = x / 255 * (x_max - x_min) + x_min
    return x


def _uniform(low: float, high: float, size: Any = None) -> Any:
    return strata_random.host_generator().uniform(low, high, size)


def _resample(x: np.ndarray, row_axis: int, col_axis: int, channel_axis: int, fill_mode: str, cval: float,
              order: int, **params: Any) -> np.ndarray:
    return apply_affine_transform(x, row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=order, **params)


def random_rotation(x: np.ndarray, rg: float, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                    fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Rotates one image by an angle drawn uniformly in ``[-rg, rg]`` degrees."""
    return _resample(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                     theta=_uniform(-rg, rg))


def random_shift(x: np.ndarray, wrg: float, hrg: float, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                 fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Shifts one image by fractions drawn in ``[-hrg, hrg]`` of its height and ``[-wrg, wrg]`` of its width."""
    tx = _uniform(-hrg, hrg) * x.shape[row_axis]
    ty = _uniform(-wrg, wrg) * x.shape[col_axis]
    return _resample(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, tx=tx, ty=ty)


def random_shear(x: np.ndarray, intensity: float, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                 fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Shears one image by an angle drawn uniformly in ``[-intensity, intensity]`` degrees."""
    return _resample(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                     shear=_uniform(-intensity, intensity))


def random_zoom(x: np.ndarray, zoom_range: Any, row_axis: int = 1, col_axis: int = 2, channel_axis: int = 0,
                fill_mode: str = "nearest", cval: float = 0.0, interpolation_order: int = 1) -> np.ndarray:
    """Zooms one image by factors drawn uniformly in ``zoom_range`` (a pair), one per axis."""
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` must be a tuple or list of two floats. Received: zoom_range={zoom_range!r}")
    zx, zy = (1, 1) if tuple(zoom_range) == (1, 1) else _uniform(zoom_range[0], zoom_range[1], 2)
    return _resample(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, zx=zx, zy=zy)


def random_channel_shift(x: np.ndarray, intensity_range: float, channel_axis: int = 0) -> np.ndarray:
    """Channel shift by an intensity drawn uniformly in ``[-intensity_range, intensity_range]``."""
    return apply_channel_shift(x, _uniform(-intensity_range, intensity_range), channel_axis)


def random_brightness(x: np.ndarray, brightness_range: Any, scale: bool = True) -> np.ndarray:
    """Brightness shift by a factor drawn uniformly in ``brightness_range`` (a pair)."""
    if len(brightness_range) != 2:
        raise ValueError(
            f"`brightness_range` must be a tuple or list of two floats. Received: brightness_range={brightness_range!r}"
        )
    return apply_brightness_shift(x, _uniform(brightness_range[0], brightness_range[1]), scale)
