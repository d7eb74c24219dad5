"""``BaseImageAugmentation``: what the random image layers share.

A random image layer (RandomFlip, RandomRotation, ...) draws one transformation per call from its
own :class:`~strata.core.random.SeedGenerator` and applies it to a batch.  Subclasses write two pure
hooks, both on a *batch* (rank 4):

* ``get_random_transformation(images, key)`` draws the parameters (arrays, e.g. one angle per image);
* ``transform_images(images, transformation)`` applies them;

and may override ``inference_images`` (what happens when ``training`` is false: by default a cast
to the compute dtype) and ``transform_segmentation_masks``.

``call(inputs, training=True)`` has Keras's default: the layer augments when called directly, in
``model(x)`` and in ``fit``, and is the identity under ``predict``, ``evaluate`` and
``training=False`` (KERAS_NOTES_2.md §4.2).  Single images (rank 3) are handled as batches of one.
A dict ``{"images", "labels", "segmentation_masks"}`` is transformed consistently: masks get the
images' transformation (geometric layers, nearest interpolation), labels pass through.
"""

from __future__ import annotations

import numbers
from typing import Any

from strata.core.random import SeedGenerator
from strata.layers.conv_utils import standardize_data_format
from strata.layers.layer import Layer
from strata.layers.preprocessing import image_ops


def check_image_rank(shape: tuple, name: str = "inputs") -> bool:
    """Whether ``shape`` is a batch (rank 4) rather than one image (rank 3); raise for other ranks."""
    if len(shape) in (3, 4):
        return len(shape) == 4
    raise ValueError(
        "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
        f"Received: {name}.shape={tuple(shape)}. Pass one image shaped (height, width, channels) "
        "or a batch shaped (batch, height, width, channels) (channels first with data_format='channels_first')."
    )


def check_size(value: Any, name: str, layer: str) -> int:
    """``value`` as a positive int (a ``height`` or ``width`` argument), or a ``ValueError``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0:
        return int(value)
    raise ValueError(f"{layer} expects a positive integer `{name}`. Received: {name}={value!r}")


def parse_factor(factor: Any, bounds: tuple[float, float], name: str = "factor") -> tuple[Any, Any]:
    """``(lower, upper)`` from a number ``f`` (``(max(-|f|, low), |f|)``) or a pair (sorted).

    Keras's rule for ``factor`` arguments (rotation, contrast, brightness): a number must lie in
    ``bounds``; of a pair, the first must not exceed the upper bound nor the second fall below the
    lower bound.
    """
    low, high = bounds
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the range "
               f"[{low}, {high}]. Received: {name}={factor}. Pass a number like 0.1, or a (lower, upper) "
               "pair within that range.")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(isinstance(v, (int, float)) for v in factor):
            raise ValueError(message)
        if factor[0] > high or factor[1] < low:
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if factor < low or factor > high:
            raise ValueError(message)
        factor = abs(factor)
        return max(-factor, low), factor
    raise ValueError(message)


def parse_symmetric_factor(factor: Any, name: str, include_minus_one: bool = True) -> tuple[float, float]:
    """``(lower, upper)`` of a zoom/translation factor: ``f`` gives ``(-|f|, |f|)``, a pair is sorted.

    Every value must lie in ``[-1, 1]`` (``(-1, 1]`` when ``include_minus_one`` is false: a zoom
    of -1 would shrink the image to nothing).
    """
    interval = "[-1.0, 1.0]" if include_minus_one else "(-1.0, 1.0]"
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the range "
               f"{interval}. Received: {name}={factor}. Pass a number like 0.1, or a (lower, upper) pair "
               "within that range.")

    def check(value: Any) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(message)
        if value > 1.0 or value < -1.0 or (value == -1.0 and not include_minus_one):
            raise ValueError(message)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(message)
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    check(factor)
    return -abs(factor), abs(factor)


def check_choice(value: Any, name: str, allowed: tuple[str, ...]) -> None:
    """Raise Keras's ``NotImplementedError`` for a ``fill_mode``/``interpolation`` it does not offer."""
    if value not in allowed:
        raise NotImplementedError(
            f"Unknown `{name}` {value}. Expected of one {allowed}. Received: {name}={value!r}"
        )


class BaseImageAugmentation(Layer):
    """Base class of the random image layers (one transformation per call, from ``seed``).

    Args:
        seed: an int for a reproducible sequence of transformations; by default one is taken
            from strata's root seed (``strata.utils.set_random_seed`` makes runs repeatable).
        data_format: ``"channels_last"`` or ``"channels_first"``; by default
            ``strata.config.image_data_format()``.
    """

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.built = True

    # -- hooks -------------------------------------------------------------------------------------
    def get_random_transformation(self, images: Any, key: Any) -> Any:
        """The random parameters for a batch of ``images``, drawn from ``key``."""
        return None

    def transform_images(self, images: Any, transformation: Any) -> Any:
        """Apply ``transformation`` to a batch of images (training)."""
        raise NotImplementedError

    def inference_images(self, images: Any) -> Any:
        """The batch when ``training`` is false: cast to the compute dtype, otherwise unchanged."""
        return images.astype(self.compute_dtype)

    def transform_segmentation_masks(self, masks: Any, transformation: Any) -> Any:
        """Apply ``transformation`` to a batch of segmentation masks (default: unchanged)."""
        return masks

    # -- calling -----------------------------------------------------------------------------------
    def _apply(self, images: Any, masks: Any, training: bool, name: str) -> tuple[Any, Any]:
        batched = check_image_rank(images.shape, name)
        batch = images if batched else images[None]
        if not training:
            out = self.inference_images(batch)
        else:
            transformation = self.get_random_transformation(batch, self.seed_generator.next())
            out = self.transform_images(batch, transformation)
            if masks is not None:
                masks = self.transform_segmentation_masks(masks if batched else masks[None], transformation)
                masks = masks if batched else masks[0]
        return (out if batched else out[0]), masks

    def call(self, inputs: Any, training: bool = True) -> Any:
        if not isinstance(inputs, dict):
            return self._apply(inputs, None, training, "inputs")[0]
        if "images" not in inputs:
            raise ValueError(
                f"{type(self).__name__} received a dict without an 'images' key. Received keys: "
                f"{sorted(inputs)}. Pass {{'images': ..., 'labels': ..., 'segmentation_masks': ...}}."
            )
        if "bounding_boxes" in inputs:
            raise NotImplementedError(
                f"{type(self).__name__} does not transform 'bounding_boxes' in strata. Received keys: "
                f"{sorted(inputs)}. Transform the boxes outside the layer, or drop the key."
            )
        outputs = dict(inputs)
        outputs["images"], masks = self._apply(inputs["images"], inputs.get("segmentation_masks"),
                                               training, "images")
        if masks is not None:
            outputs["segmentation_masks"] = masks
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class RandomAffineBase(BaseImageAugmentation):
    """Shared arguments and warping of the rotation, zoom and translation layers."""

    def _set_warp_arguments(self, fill_mode: str, interpolation: str, fill_value: float) -> None:
        check_choice(fill_mode, "fill_mode", image_ops.FILL_MODES)
        check_choice(interpolation, "interpolation", tuple(image_ops.AFFINE_INTERPOLATIONS))
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def transform_matrices(self, transformation: Any, height: int, width: int) -> Any:
        """``(batch, 8)`` affine transforms (see :func:`image_ops.affine_transform`)."""
        raise NotImplementedError

    def _warp(self, images: Any, transformation: Any, interpolation: str) -> Any:
        height, width = image_ops.image_size(images, self.data_format)
        return image_ops.affine_transform(
            images, self.transform_matrices(transformation, height, width), interpolation=interpolation,
            fill_mode=self.fill_mode, fill_value=self.fill_value, data_format=self.data_format)

    def transform_images(self, images: Any, transformation: Any) -> Any:
        return self._warp(images.astype(self.compute_dtype), transformation, self.interpolation)

    def transform_segmentation_masks(self, masks: Any, transformation: Any) -> Any:
        return self._warp(masks, transformation, "nearest")
