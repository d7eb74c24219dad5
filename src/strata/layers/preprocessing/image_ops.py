"""Pure image functions behind the resizing and augmentation layers.

Everything here is a function of arrays written with ``jax.numpy``: it runs eagerly, under
``jax.jit`` and inside the compiled train step alike.  Shapes (image sizes, crop boxes) are static
Python integers; values (angles, zoom factors, offsets) may be traced.

Conventions follow Keras (``keras.ops.image``):

* ``data_format`` is ``"channels_last"`` (``(..., H, W, C)``) or ``"channels_first"``
  (``(..., C, H, W)``); images are rank 3 (one image) or rank 4 (a batch).
* An affine ``transform`` is a row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (or a batch of rows) that maps
  each *output* pixel ``(x, y)`` to the *input* point
  ``((a0*x + a1*y + a2) / k, (b0*x + b1*y + b2) / k)`` with ``k = c0*x + c1*y + 1``.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
"""Interpolations of :func:`resize` (those ``jax.image.resize`` offers; ``"area"`` is TensorFlow-only)."""

AFFINE_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
"""Interpolations of :func:`affine_transform`, with their spline order."""

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
"""How :func:`affine_transform` fills points outside the input (``"mirror"`` is also accepted)."""

DEGREES_TO_RADIANS = math.pi / 180.0


def spatial_axes(data_format: str, rank: int = 4) -> tuple[int, int]:
    """The (height, width) axes of an image array of ``rank`` 3 or 4."""
    first = rank - 3
    return (first + 1, first + 2) if data_format == "channels_first" else (first, first + 1)


def image_size(images: Any, data_format: str) -> tuple[int, int]:
    """``(height, width)`` of a rank-3 or rank-4 image array."""
    h_axis, w_axis = spatial_axes(data_format, len(images.shape))
    return images.shape[h_axis], images.shape[w_axis]


def crop(images: Any, top: Any, left: Any, height: int, width: int, data_format: str) -> Any:
    """The ``height x width`` window starting at ``(top, left)``, clipped to the image like slicing.

    ``top`` and ``left`` may be traced integers; the window then keeps its full size (it is moved
    inside the image, as ``lax.dynamic_slice`` does).
    """
    h_axis, w_axis = spatial_axes(data_format, images.ndim)
    if isinstance(top, int) and isinstance(left, int):
        index = [slice(None)] * images.ndim
        index[h_axis] = slice(top, top + height)
        index[w_axis] = slice(left, left + width)
        return images[tuple(index)]
    starts = [jnp.zeros((), jnp.int32)] * images.ndim
    sizes = list(images.shape)
    starts[h_axis], starts[w_axis] = jnp.asarray(top, jnp.int32), jnp.asarray(left, jnp.int32)
    sizes[h_axis], sizes[w_axis] = height, width
    return jax.lax.dynamic_slice(images, starts, sizes)


def aspect_crop_box(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)`` of the largest centred crop with the target's ratio."""
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_height) / 2), int(float(width - crop_width) / 2), crop_height, crop_width


def crop_to_aspect(images: Any, target_height: int, target_width: int, data_format: str) -> Any:
    """Centre-crop ``images`` to the aspect ratio ``target_height : target_width``."""
    height, width = image_size(images, data_format)
    top, left, crop_height, crop_width = aspect_crop_box(height, width, target_height, target_width)
    return crop(images, top, left, crop_height, crop_width, data_format)


def pad_to_aspect(images: Any, target_height: int, target_width: int, fill_value: float,
                        data_format: str) -> Any:
    """Pad ``images`` evenly on both sides with ``fill_value`` to the target aspect ratio.

    The padding on each side is ``(padded - size) // 2`` rows (or columns), as in Keras.
    """
    height, width = image_size(images, data_format)
    pad_height = max(height, int(float(width * target_height) / target_width))
    pad_width = max(width, int(float(height * target_width) / target_height))
    top, left = int(float(pad_height - height) / 2), int(float(pad_width - width) / 2)
    h_axis, w_axis = spatial_axes(data_format, images.ndim)
    pads = [(0, 0)] * images.ndim
    if top > 0:
        pads[h_axis] = (top, top)
    elif left > 0:
        pads[w_axis] = (left, left)
    else:
        return images
    return jnp.pad(images, pads, constant_values=jnp.asarray(fill_value, images.dtype))


def resize(images: Any, size: tuple[int, int], interpolation: str = "bilinear", antialias: bool = False,
           crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
           fill_value: float = 0.0, data_format: str = "channels_last") -> Any:
    """Resize rank-3 or rank-4 ``images`` to ``size = (height, width)`` (``keras.ops.image.resize``).

    Args:
        images: the images.
        size: the target ``(height, width)``.
        interpolation: one of :data:`RESIZE_INTERPOLATIONS`.
        antialias: low-pass filter when downsampling (``jax.image.resize``'s flag).
        crop_to_aspect_ratio: centre-crop to the target aspect ratio first (no distortion).
        pad_to_aspect_ratio: pad with ``fill_value`` to the target aspect ratio first.
        fill_value: the padding value.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> import numpy as np
        >>> resize(np.ones((4, 6, 3), "float32"), (2, 2)).shape
        (2, 2, 3)
    """
    check_resize_interpolation(interpolation)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`. "
            f"Received: crop_to_aspect_ratio={crop_to_aspect_ratio}, pad_to_aspect_ratio={pad_to_aspect_ratio}"
        )
    images = jnp.asarray(images)
    target_height, target_width = (int(s) for s in size)
    if crop_to_aspect_ratio:
        images = crop_to_aspect(images, target_height, target_width, data_format)
    elif pad_to_aspect_ratio:
        images = pad_to_aspect(images, target_height, target_width, fill_value, data_format)
    shape = list(images.shape)
    h_axis, w_axis = spatial_axes(data_format, images.ndim)
    shape[h_axis], shape[w_axis] = target_height, target_width
    return jax.image.resize(images, tuple(shape), method=interpolation, antialias=bool(antialias))


def check_resize_interpolation(interpolation: Any) -> None:
    """Raise the Keras error for an interpolation :func:`resize` does not offer."""
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one {RESIZE_INTERPOLATIONS}. "
            f"Received: interpolation={interpolation!r}"
            + (" ('area' needs TensorFlow; use 'bilinear' with antialias=True)" if interpolation == "area" else "")
        )


def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0.0,
                     data_format: str = "channels_last") -> Any:
    """Warp images by affine (or projective) transforms (``keras.ops.image.affine_transform``).

    Args:
        images: rank-3 or rank-4 images.
        transform: ``(8,)`` or ``(batch, 8)`` rows ``[a0, a1, a2, b0, b1, b2, c0, c1]``, each mapping an
            output pixel ``(x, y)`` to the input point it samples (see the module docstring).
        interpolation: ``"nearest"`` or ``"bilinear"``.
        fill_mode: how points outside the input are filled: ``"reflect"`` (``d c b a | a b c d``),
            ``"wrap"``, ``"constant"`` (``fill_value``), ``"nearest"`` (edge pixel) or ``"mirror"``.
        fill_value: the value of ``"constant"`` filling.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> import numpy as np
        >>> shift_right = np.array([1, 0, -1, 0, 1, 0, 0, 0], "float32")
        >>> np.asarray(affine_transform(np.arange(3.0).reshape(1, 3, 1), shift_right))[..., 0].tolist()
        [[0.0, 0.0, 1.0]]
    """
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one {set(AFFINE_INTERPOLATIONS)}. "
            f"Received: interpolation={interpolation!r}"
        )
    if fill_mode not in FILL_MODES + ("mirror",):
        raise ValueError(
            f"Invalid value for argument `fill_mode`. Expected of one {set(FILL_MODES + ('mirror',))}. "
            f"Received: fill_mode={fill_mode!r}"
        )
    images = jnp.asarray(images)
    transform = jnp.asarray(transform)
    if images.ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={images.shape}"
        )
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(
            "Invalid transform shape: expected (8,) (single transform) or (batch, 8) (batch of "
            f"transforms). Received input with shape: transform.shape={transform.shape}"
        )
    single = images.ndim == 3
    batch = images[None] if single else images
    if data_format == "channels_first":
        batch = jnp.transpose(batch, (0, 2, 3, 1))
    n, height, width, _ = batch.shape
    rows = jnp.broadcast_to(jnp.reshape(transform, (-1, 8)), (n, 8)).astype(jnp.promote_types(batch.dtype, "float32"))
    y, x = jnp.meshgrid(jnp.arange(height, dtype=rows.dtype), jnp.arange(width, dtype=rows.dtype), indexing="ij")
    x, y = x[None], y[None]
    a0, a1, a2, b0, b1, b2, c0, c1 = (rows[:, i, None, None] for i in range(8))
    k = c0 * x + c1 * y + 1
    source_x = (a0 * x + a1 * y + a2) / k
    source_y = (b0 * x + b1 * y + b2) / k

    order = AFFINE_INTERPOLATIONS[interpolation]

    def warp_channel(channel: Any, sy: Any, sx: Any) -> Any:
        return jax.scipy.ndimage.map_coordinates(channel, [sy, sx], order=order, mode=fill_mode, cval=fill_value)

    per_image = jax.vmap(warp_channel, in_axes=(2, None, None), out_axes=2)
    out = jax.vmap(per_image)(batch, source_y, source_x)
    if data_format == "channels_first":
        out = jnp.transpose(out, (0, 3, 1, 2))
    return out[0] if single else out


def rotation_transforms(angles: Any, height: int, width: int) -> Any:
    """``(batch, 8)`` transforms turning each image by ``angles`` radians about its centre.

    A positive angle turns the content counter-clockwise as displayed (row 0 at the top).
    """
    cos, sin = jnp.cos(angles), jnp.sin(angles)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    zeros = jnp.zeros_like(angles)
    return jnp.stack([cos, -sin, cx - cx * cos + cy * sin,
                      sin, cos, cy - cx * sin - cy * cos, zeros, zeros], axis=1)


def zoom_transforms(width_zoom: Any, height_zoom: Any, height: int, width: int) -> Any:
    """``(batch, 8)`` transforms scaling about the centre; a zoom above 1 shows more (zooms out)."""
    zeros = jnp.zeros_like(width_zoom)
    x_offset = (float(width) - 1.0) / 2.0 * (1.0 - width_zoom)
    y_offset = (float(height) - 1.0) / 2.0 * (1.0 - height_zoom)
    return jnp.stack([width_zoom, zeros, x_offset, zeros, height_zoom, y_offset, zeros, zeros], axis=1)


def translation_transforms(dx: Any, dy: Any) -> Any:
    """``(batch, 8)`` transforms moving the content ``dx`` pixels right and ``dy`` pixels down."""
    zeros, ones = jnp.zeros_like(dx), jnp.ones_like(dx)
    return jnp.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


def saturate_cast(x: Any, dtype: Any) -> Any:
    """Cast ``x`` to ``dtype``, rounding and clipping to its range first when it is an integer type."""
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        x = jnp.clip(jnp.round(x), float(info.min), float(info.max))
    elif dtype == np.bool_:
        x = jnp.clip(x, 0, 1)
    return x.astype(dtype)

