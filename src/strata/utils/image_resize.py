"""Host-side image resizing in NumPy, numerically ``jax.image.resize`` (what Keras-on-JAX uses).

``image_dataset_from_directory`` resizes every decoded file on the host, before the compiled step
(DESIGN: "Host-side preprocessing stays on the host").  Keras's JAX path calls
``keras.ops.image.resize`` → ``jax.image.resize(..., antialias=False)`` one image at a time, which
dispatches (and, per new input shape, compiles) an XLA program per file.  This module builds the
same separable weights — half-pixel centres, kernel not widened when shrinking, weights normalised
per output pixel, all in float32 — and applies them as a few gathers per axis, because without
antialiasing each output pixel reads at most ``2 * radius`` input pixels.  The only difference from
jax is the float32 summation order (about 1e-5 on a 0–255 scale).

``crop_to_aspect_ratio`` and ``pad_to_aspect_ratio`` take the same centred window as
``keras.ops.image.resize`` (integer arithmetic included), so the crops agree pixel for pixel.
"""

from __future__ import annotations

import functools

import numpy as np

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(np.float32(0), np.float32(1) - np.abs(x))


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    near = ((np.float32(1.5) * x - np.float32(2.5)) * x) * x + np.float32(1)
    far = ((np.float32(-0.5) * x + np.float32(2.5)) * x - np.float32(4)) * x + np.float32(2)
    return np.where(x >= 2, np.float32(0), np.where(x >= 1, far, near))


def _lanczos(radius: float):
    def kernel(x: np.ndarray) -> np.ndarray:
        y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(x > 1e-3, y / np.where(x != 0, np.pi**2 * x**2, 1), np.float32(1))
        return np.where(x > radius, np.float32(0), out).astype(np.float32)

    return kernel


_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0),
            "lanczos5": _lanczos(5.0)}


@functools.lru_cache(maxsize=512)
def _taps(in_size: int, out_size: int, method: str) -> tuple[np.ndarray, np.ndarray]:
    """``(indices, weights)``, each ``(taps, out_size)``: output ``j`` is
    ``sum_t weights[t, j] * input[indices[t, j]]`` along one axis."""
    if method == "nearest":
        # jax computes the source index in float32: floor((j + 0.5) * in / out).
        centres = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size)
        index = np.floor(centres / np.float32(out_size)).astype(np.int64)
        return index[None, :], np.ones((1, out_size), np.float32)
    inv_scale = np.float32(1.0 / (out_size / in_size))
    sample = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * inv_scale - np.float32(0.5)
    distance = np.abs(sample[None, :] - np.arange(in_size, dtype=np.float32)[:, None])
    weights = _KERNELS[method](distance).astype(np.float32)
    total = weights.sum(axis=0, keepdims=True, dtype=np.float32)
    weights = np.where(np.abs(total) > 1000.0 * np.finfo(np.float32).eps,
                       weights / np.where(total != 0, total, np.float32(1)), np.float32(0))
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    weights = np.where(inside[None, :], weights, np.float32(0)).astype(np.float32)
    count = int((weights != 0).sum(axis=0).max(initial=1))
    indices = np.zeros((count, out_size), np.int64)
    taps = np.zeros((count, out_size), np.float32)
    for j in range(out_size):
        rows = np.flatnonzero(weights[:, j])
        indices[: rows.size, j] = rows
        taps[: rows.size, j] = weights[rows, j]
    return indices, taps


def _resize_axis(x: np.ndarray, size: int, axis: int, method: str) -> np.ndarray:
    if x.shape[axis] == size:  # jax skips an axis whose size does not change
        return x
    indices, weights = _taps(x.shape[axis], size, method)
    shape = [1] * x.ndim
    shape[axis] = size
    out = np.take(x, indices[0], axis=axis) * weights[0].reshape(shape)
    for index, weight in zip(indices[1:], weights[1:]):
        out += np.take(x, index, axis=axis) * weight.reshape(shape)
    return out


def crop_or_pad(image: np.ndarray, size: tuple[int, int], crop: bool, pad: bool) -> np.ndarray:
    """The centred window of ``keras.ops.image.resize(crop_to_aspect_ratio / pad_to_aspect_ratio)``
    on an ``(H, W, C)`` image, before resizing."""
    height, width = image.shape[:2]
    target_height, target_width = size
    if crop:
        crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
        crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
        top = int(float(height - crop_height) / 2)
        left = int(float(width - crop_width) / 2)
        return image[top: top + crop_height, left: left + crop_width]
    if pad:
        pad_height = max(height, int(float(width * target_height) / target_width))
        pad_width = max(width, int(float(height * target_width) / target_height))
        top = int(float(pad_height - height) / 2)
        left = int(float(pad_width - width) / 2)
        # Keras pads the same amount on both sides, and only one axis (height first).
        if top > 0:
            return np.pad(image, ((top, top), (0, 0), (0, 0)))
        if left > 0:
            return np.pad(image, ((0, 0), (left, left), (0, 0)))
    return image


def resize_image(image: np.ndarray, size: tuple[int, int], interpolation: str = "bilinear") -> np.ndarray:
    """Resize one ``(H, W, C)`` image to ``size = (height, width)``; returns float32.

    Integer input (uint8/uint16 from a decoder) is widened to float32 exactly, as Keras converts the
    decoded image to float32 before resizing.

    Example:
        >>> image = np.arange(12, dtype="uint8").reshape(2, 3, 2)
        >>> resize_image(image, (4, 6)).shape
        (4, 6, 2)
    """
    if image.dtype not in (np.uint8, np.uint16, np.float32):
        image = image.astype(np.float32)
    image = _resize_axis(image, size[0], 0, interpolation)
    image = _resize_axis(image, size[1], 1, interpolation)
    return image.astype(np.float32, copy=False)
