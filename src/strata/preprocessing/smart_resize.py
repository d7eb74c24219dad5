"""``smart_resize`` (``keras.preprocessing.image``): resize without distorting the aspect ratio.

A plain resize from 10x14 to 6x5 squeezes the picture.  ``smart_resize`` first takes the largest
centred crop that has the target's aspect ratio, then resizes that crop (the same window as
``crop_to_aspect_ratio=True`` in the dataset utilities).  The numbers are ``keras.ops.image.resize``'s
(see :mod:`strata.utils.image_resize`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.utils.image_resize import INTERPOLATIONS, crop_or_pad, resize_image


def smart_resize(x: Any, size: tuple[int, int], interpolation: str = "bilinear",
                 data_format: str = "channels_last", **kwargs: Any) -> Any:
    """Centre-crop ``x`` to the aspect ratio of ``size``, then resize it to ``size``.

    Args:
        x: one image ``(H, W, C)`` or a batch ``(B, H, W, C)`` (channels first with
            ``data_format="channels_first"``).
        size: ``(height, width)`` of the result.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        **kwargs: none are accepted (Keras's internal ``backend_module`` is ignored).

    Returns:
        float32 images; a NumPy array for NumPy input, else a JAX array (as Keras on JAX).

    Example:
        >>> smart_resize(np.zeros((10, 14, 3), "uint8"), (6, 5)).shape
        (6, 5, 3)
    """
    kwargs.pop("backend_module", None)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs.keys())}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    if str(interpolation).lower() not in INTERPOLATIONS:
        raise ValueError(f"`interpolation` must be one of {INTERPOLATIONS}. Received: interpolation={interpolation}")
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f'`data_format` must be "channels_last" or "channels_first". Received: data_format={data_format}'
        )
    images = np.asarray(x)
    if images.ndim not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or `(batch_size, height, width, "
            f"channels)`, but got input with incorrect rank, of shape {images.shape}."
        )
    batch = images if images.ndim == 4 else images[None]
    if data_format == "channels_first":
        batch = np.moveaxis(batch, 1, -1)
    size = (int(size[0]), int(size[1]))
    out = np.stack([resize_image(crop_or_pad(image, size, True, False), size, str(interpolation).lower())
                    for image in batch])
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    out = out if images.ndim == 4 else out[0]
    if isinstance(x, np.ndarray):
        return np.ascontiguousarray(out)
    import jax.numpy as jnp

    return jnp.asarray(out)
