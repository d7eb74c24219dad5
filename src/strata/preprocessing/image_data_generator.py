"""``ImageDataGenerator``: tf.keras 2's real-time image augmentation (``keras.preprocessing.image``).

The generator holds the augmentation settings and the statistics ``fit`` learns; its ``flow*``
methods return iterators (:mod:`strata.preprocessing.image_iterators`) that are ``PyDataset``s, so
``model.fit(gen.flow(x, y))`` streams them.  ``standardize``, ``apply_transform`` and ``fit`` give
Keras's numbers; random draws come from seeded NumPy generators (see ``get_random_transform``), so
they repeat from run to run but are not the draws Keras would make.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from strata import config as strata_config
from strata.core import random as strata_random
from strata.preprocessing import image_transforms as transforms
from strata.preprocessing.image_generator_flows import FlowMethods

_UNFIT = (
    "This ImageDataGenerator specifies `{}`, but it hasn't been fit on any training data. "
    "Fit it first by calling `.fit(numpy_data)`."
)


def _active(shift_range: Any) -> bool:
    return shift_range is not None and bool(np.any(shift_range))


def _overrides(option: str, overridden: str) -> str:
    return f"This ImageDataGenerator specifies `{option}`, which overrides setting of `{overridden}`."


class ImageDataGenerator(FlowMethods):
    """Generates batches of images with real-time augmentation (tf.keras 2's legacy API).

    Args:
        featurewise_center: subtract the per-channel mean of the data given to ``fit``.
        samplewise_center: subtract each sample's own mean.
        featurewise_std_normalization: divide by the per-channel std of the ``fit`` data.
        samplewise_std_normalization: divide each sample by its own std.
        zca_whitening: apply ZCA whitening learnt by ``fit``; zca_epsilon: its regulariser.
        rotation_range: random rotations in ``[-rotation_range, rotation_range]`` degrees.
        width_shift_range, height_shift_range: a float (a fraction of the size if below 1, else
            pixels), an int ``n`` (whole pixels in ``(-n, n)``) or a list of allowed values.
        brightness_range: a pair of floats; a brightness factor is drawn between them.
        shear_range: shear angle range in degrees.
        zoom_range: a float ``z`` (``[1 - z, 1 + z]``) or a pair ``[lower, upper]``.
        channel_shift_range: random shifts of all channels by one value in this range.
        fill_mode: ``"nearest"`` (default), ``"constant"``, ``"reflect"`` or ``"wrap"``.
        cval: the fill value for ``fill_mode="constant"``.
        horizontal_flip, vertical_flip: random flips.
        rescale: a factor applied first (after ``preprocessing_function``), e.g. ``1/255``.
        preprocessing_function: called on each image (rank 3) after augmentation, before the rest of
            ``standardize``; it must return an array of the same shape.
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None`` is ``image_data_format()``.
        validation_split: the fraction held out for ``subset="validation"``.
        interpolation_order: the spline order of the affine resampling.
        dtype: the dtype of the produced arrays; ``None`` is ``floatx()``.

    Example:
        >>> import numpy as np
        >>> gen = ImageDataGenerator(rescale=1 / 255)
        >>> x = np.full((4, 8, 8, 3), 255.0)
        >>> batch = next(gen.flow(x, batch_size=2, shuffle=False))
        >>> batch.shape, float(batch.max())
        ((2, 8, 8, 3), 1.0)
    """

    def __init__(
        self,
        featurewise_center: bool = False,
        samplewise_center: bool = False,
        featurewise_std_normalization: bool = False,
        samplewise_std_normalization: bool = False,
        zca_whitening: bool = False,
        zca_epsilon: float = 1e-6,
        rotation_range: float = 0,
        width_shift_range: Any = 0.0,
        height_shift_range: Any = 0.0,
        brightness_range: Any = None,
        shear_range: float = 0.0,
        zoom_range: Any = 0.0,
        channel_shift_range: float = 0.0,
        fill_mode: str = "nearest",
        cval: float = 0.0,
        horizontal_flip: bool = False,
        vertical_flip: bool = False,
        rescale: float | None = None,
        preprocessing_function: Callable[[np.ndarray], np.ndarray] | None = None,
        data_format: str | None = None,
        validation_split: float = 0.0,
        interpolation_order: int = 1,
        dtype: str | None = None,
    ) -> None:
        data_format = strata_config.image_data_format() if data_format is None else data_format
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                "`data_format` must be 'channels_last' (channels after rows and columns) or 'channels_first' "
                f"(channels before them). Received: data_format={data_format!r}"
            )
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(
                "`validation_split` must be strictly between 0 and 1 (e.g. 0.2). "
                f"Received: validation_split={validation_split!r}"
            )
        if isinstance(zoom_range, (int, float)):
            zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif isinstance(zoom_range, (list, tuple)) and len(zoom_range) == 2 and all(
            isinstance(z, (int, float)) for z in zoom_range
        ):
            zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(
                "`zoom_range` must be a float or a tuple or list of two floats, e.g. 0.2 or [0.8, 1.2]. "
                f"Received: zoom_range={zoom_range!r}"
            )
        if brightness_range is not None and (
            not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2
        ):
            raise ValueError(
                "`brightness_range` must be a tuple or list of two floats, e.g. (0.5, 1.5). "
                f"Received: brightness_range={brightness_range!r}"
            )
        if fill_mode not in transforms.FILL_MODES:
            raise ValueError(
                f"`fill_mode` must be one of {transforms.FILL_MODES[:4]} (or another scipy.ndimage mode). "
                f"Received: fill_mode={fill_mode!r}"
            )
        if zca_whitening:
            if not featurewise_center:
                featurewise_center = True
                warnings.warn(_overrides("zca_whitening", "featurewise_center"), stacklevel=2)
            if featurewise_std_normalization:
                featurewise_std_normalization = False
                warnings.warn(_overrides("zca_whitening", "featurewise_std_normalization"), stacklevel=2)
        if featurewise_std_normalization and not featurewise_center:
            featurewise_center = True
            warnings.warn(_overrides("featurewise_std_normalization", "featurewise_center"), stacklevel=2)
        if samplewise_std_normalization and not samplewise_center:
            samplewise_center = True
            warnings.warn(_overrides("samplewise_std_normalization", "samplewise_center"), stacklevel=2)

        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.brightness_range = brightness_range
        self.shear_range = shear_range
        self.zoom_range = zoom_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.data_format = data_format
        self.channel_axis, self.row_axis, self.col_axis = (3, 1, 2) if data_format == "channels_last" else (1, 2, 3)
        self._validation_split = validation_split
        self.interpolation_order = interpolation_order
        self.dtype = strata_config.floatx() if dtype is None else dtype
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.zca_whitening_matrix: np.ndarray | None = None
        self._rng: np.random.Generator | None = None

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """Applies ``preprocessing_function``, ``rescale`` and the normalizations to ``x``.

        As in Keras, ``x`` (one image or a batch) is changed in place where possible; pass a copy
        to keep it.  Samplewise statistics are taken over all of ``x``.
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is None:
                warnings.warn(_UNFIT.format("featurewise_center"), stacklevel=2)
            else:
                x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                warnings.warn(_UNFIT.format("featurewise_std_normalization"), stacklevel=2)
            else:
                x /= self.std + 1e-6
        if self.zca_whitening:
            if self.zca_whitening_matrix is None:
                warnings.warn(_UNFIT.format("zca_whitening"), stacklevel=2)
            else:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = np.reshape(flat @ self.zca_whitening_matrix, x.shape)
        return x

    def _is_random(self) -> bool:
        return bool(
            self.rotation_range or _active(self.height_shift_range) or _active(self.width_shift_range)
            or self.shear_range or list(self.zoom_range) != [1, 1] or self.horizontal_flip or self.vertical_flip
            or self.channel_shift_range or self.brightness_range is not None
        )

    def _generator(self, seed: int | None) -> np.random.Generator:
        if seed is not None:
            return np.random.default_rng(seed)
        if self._rng is None:
            self._rng = strata_random.host_generator()
        return self._rng

    @staticmethod
    def _shift(rng: np.random.Generator, spec: Any, size: int) -> float:
        if not _active(spec):
            return 0
        if isinstance(spec, (float, np.floating)):
            value = rng.uniform(-spec, spec)
        else:  # an int n draws from range(n); a list draws one of its values; then a random sign
            value = rng.choice(spec) * rng.choice([-1, 1])
        return value * size if np.max(spec) < 1 else value

    def get_random_transform(self, img_shape: tuple[int, ...], seed: int | None = None) -> dict[str, Any]:
        """Draws the parameters of one random transform (the keys ``apply_transform`` reads).

        With ``seed`` the draw depends only on it; without, it continues this generator's own
        stream, seeded from strata's root seed (``strata.utils.set_random_seed``).  The values follow
        Keras's distributions but are not the numbers Keras draws.

        Example:
            >>> gen = ImageDataGenerator(rotation_range=30)
            >>> abs(gen.get_random_transform((8, 8, 3), seed=1)["theta"]) <= 30
            True
        """
        params: dict[str, Any] = {"theta": 0, "tx": 0, "ty": 0, "shear": 0, "zx": 1, "zy": 1,
                                  "flip_horizontal": False, "flip_vertical": False,
                                  "channel_shift_intensity": None, "brightness": None}
        if not self._is_random():
            return params
        rng = self._generator(seed)
        if self.rotation_range:
            params["theta"] = rng.uniform(-self.rotation_range, self.rotation_range)
        params["tx"] = self._shift(rng, self.height_shift_range, img_shape[self.row_axis - 1])
        params["ty"] = self._shift(rng, self.width_shift_range, img_shape[self.col_axis - 1])
        if self.shear_range:
            params["shear"] = rng.uniform(-self.shear_range, self.shear_range)
        if list(self.zoom_range) != [1, 1]:
            params["zx"], params["zy"] = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        params["flip_horizontal"] = bool(self.horizontal_flip) and bool(rng.random() < 0.5)
        params["flip_vertical"] = bool(self.vertical_flip) and bool(rng.random() < 0.5)
        if self.channel_shift_range != 0:
            params["channel_shift_intensity"] = rng.uniform(-self.channel_shift_range, self.channel_shift_range)
        if self.brightness_range is not None:
            params["brightness"] = rng.uniform(self.brightness_range[0], self.brightness_range[1])
        return params

    def apply_transform(self, x: np.ndarray, transform_parameters: dict[str, Any]) -> np.ndarray:
        """Applies one transform, given as ``get_random_transform``'s dict, to one image (rank 3).

        Missing keys mean "no change".  Order: affine (rotation, shift, shear, zoom), channel
        shift, horizontal then vertical flip, brightness.
        """
        p = transform_parameters
        rows, cols, channels = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        x = transforms.apply_affine_transform(
            x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0), p.get("zx", 1),
            p.get("zy", 1), row_axis=rows, col_axis=cols, channel_axis=channels, fill_mode=self.fill_mode,
            cval=self.cval, order=self.interpolation_order,
        )
        if p.get("channel_shift_intensity") is not None:
            x = transforms.apply_channel_shift(x, p["channel_shift_intensity"], channels)
        if p.get("flip_horizontal", False):
            x = transforms.flip_axis(x, cols)
        if p.get("flip_vertical", False):
            x = transforms.flip_axis(x, rows)
        if p.get("brightness") is not None:
            x = transforms._brightness_shift(x, p["brightness"], False, self.data_format)
        return x

    def random_transform(self, x: np.ndarray, seed: int | None = None) -> np.ndarray:
        """``apply_transform(x, get_random_transform(x.shape, seed))``."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x: Any, augment: bool = False, rounds: int = 1, seed: int | None = None) -> None:
        """Learns the featurewise mean, std and ZCA matrix from sample images ``x`` (rank 4).

        ``rescale`` is applied first; with ``augment=True`` the statistics are taken over
        ``rounds`` randomly transformed copies of ``x``.

        Example:
            >>> gen = ImageDataGenerator(featurewise_center=True)
            >>> gen.fit(np.ones((2, 4, 4, 3)))
            >>> gen.mean.shape
            (1, 1, 3)
        """
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(
                "`x` passed to `ImageDataGenerator.fit()` must have rank 4 (samples, rows, cols, channels "
                f"in the generator's data_format). Received: x with shape {x.shape}"
            )
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(
                "Expected input to be images (as Numpy array) following the data format convention "
                f'"{self.data_format}" (channels on axis {self.channel_axis}), i.e. expected either 1, 3 or 4 '
                f"channels on axis {self.channel_axis}. However, it was passed an array with shape {x.shape} "
                f"({x.shape[self.channel_axis]} channels).",
                stacklevel=2,
            )
        if self.rescale:
            x *= self.rescale
        if augment:
            rng = self._generator(seed)
            x = np.concatenate(
                [np.stack([self.random_transform(image, seed=int(rng.integers(2**31))) for image in x]).astype(
                    self.dtype) for _ in range(rounds)]
            )
        axes = (0, self.row_axis, self.col_axis)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = np.reshape(x, (len(x), -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))) @ u.T
