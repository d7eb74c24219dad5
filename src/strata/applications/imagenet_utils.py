"""ImageNet helpers shared by every pretrained architecture (``keras.applications.imagenet_utils``).

Each family expects its pixels scaled the way its published weights were trained:

* ``"caffe"`` (VGG, ResNet v1): RGB is flipped to BGR and the ImageNet channel means
  ``[103.939, 116.779, 123.68]`` are subtracted, with no scaling;
* ``"tf"`` (ResNet v2, MobileNet, Inception, Xception): ``x / 127.5 - 1``, values in ``[-1, 1]``;
* ``"torch"`` (DenseNet): ``x / 255`` then per-channel standardisation with the ImageNet mean/std.

As in Keras, a float NumPy array is modified in place (after ``caffe`` it holds the result in
reversed channel order, because the flip is a view), integer arrays are first copied to floats,
JAX arrays are left untouched, and a symbolic :class:`~strata.KerasTensor` becomes a call of a
small preprocessing layer so that the step is part of the model.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np

from strata import config
from strata.applications import _weights
from strata.core.keras_tensor import is_keras_tensor

MODES = ("caffe", "tf", "torch")
CAFFE_MEAN = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)

CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
CLASS_INDEX_FILE = "imagenet_class_index.json"
_class_index: dict[str, list[str]] | None = None


def _check_format(mode: str, data_format: str | None) -> str:
    if mode not in MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    data_format = data_format or config.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    return data_format


def _channel_constants(mode: str) -> tuple[tuple[float, ...], tuple[float, ...] | None, float, float]:
    """``(mean, std, scale, offset)``: the formula is ``((x * scale + offset) - mean) / std``."""
    if mode == "tf":
        return (0.0, 0.0, 0.0), None, 1 / 127.5, -1.0
    if mode == "torch":
        return TORCH_MEAN, TORCH_STD, 1 / 255.0, 0.0
    return CAFFE_MEAN, None, 1.0, 0.0


def _numpy_in_place(x: np.ndarray, mode: str, data_format: str) -> np.ndarray:
    """Keras's NumPy path: operate on ``x`` (a view after the BGR flip) in place."""
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    mean, std, _, _ = _channel_constants(mode)
    if mode == "torch":
        x /= 255.0
    axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    if mode == "caffe":
        x = np.flip(x, axis=axis)
    for channel in range(3):
        index = [slice(None)] * x.ndim
        index[axis] = channel
        x[tuple(index)] -= mean[channel]
        if std is not None:
            x[tuple(index)] /= std[channel]
    return x


def apply_preprocessing(x: Any, mode: str, data_format: str) -> Any:
    """The pure (array-in, array-out) formula used for JAX arrays and inside the layer."""
    import jax.numpy as jnp

    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(config.floatx())
    axis = x.ndim - 1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    shape = [1] * x.ndim
    shape[axis] = 3
    mean, std, scale, offset = _channel_constants(mode)
    if mode == "caffe":
        x = jnp.flip(x, axis=axis)
    x = x * jnp.asarray(scale, x.dtype) + jnp.asarray(offset, x.dtype)
    if mode == "tf":
        return x
    x = x - jnp.reshape(jnp.asarray(mean, x.dtype), shape)
    if std is not None:
        x = x / jnp.reshape(jnp.asarray(std, x.dtype), shape)
    return x


def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """Scales a batch of RGB images (0–255) the way a pretrained family expects.

    Args:
        x: images as a NumPy array (float arrays are modified in place), a JAX array, or a
            symbolic tensor from ``strata.Input`` (then the step becomes a layer of the model).
        data_format: ``"channels_last"`` or ``"channels_first"``; `None` uses
            ``strata.config.image_data_format()``.
        mode: ``"caffe"``, ``"tf"`` or ``"torch"`` (see the module docstring).

    Returns:
        The preprocessed images.

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([[10.0, 20.0, 30.0]]), mode="tf").round(5).tolist()
        [[-0.92157, -0.84314, -0.76471]]
    """
    data_format = _check_format(mode, data_format)
    if is_keras_tensor(x):
        from strata.applications.preprocessing_layer import ImageNetPreprocessing

        return ImageNetPreprocessing(mode=mode, data_format=data_format)(x)
    if isinstance(x, np.ndarray):
        return _numpy_in_place(x, mode, data_format)
    if isinstance(x, (list, tuple, int, float)):
        return _numpy_in_place(np.array(x, dtype=config.floatx()), mode, data_format)
    return apply_preprocessing(x, mode, data_format)


def _load_class_index() -> dict[str, list[str]]:
    global _class_index
    if _class_index is None:
        path = _weights.fetch(CLASS_INDEX_FILE, CLASS_INDEX_PATH, CLASS_INDEX_HASH)
        with open(path, encoding="utf8") as f:
            _class_index = json.load(f)
    return _class_index


def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple[str, str, Any]]]:
    """Turns ImageNet class probabilities into ``(wnid, class_name, score)`` tuples.

    The class names come from Keras's ``imagenet_class_index.json``, downloaded once into
    Keras's cache (``$KERAS_HOME/models`` or ``~/.keras/models``).

    Args:
        preds: a ``(samples, 1000)`` array of scores.
        top: how many of the best classes to return per sample.

    Returns:
        One list per sample of `top` tuples, best score first.

    Example:
        >>> decode_predictions(np.eye(1000)[:1], top=1)  # doctest: +SKIP
        [[('n01440764', 'tench', np.float32(1.0))]]
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {preds.shape}"
        )
    index = _load_class_index()
    results = []
    for pred in preds:
        best = np.argsort(pred, kind="stable")[::-1][:top]
        results.append([tuple(index[str(i)]) + (pred[i],) for i in best])
    return results


def obtain_input_shape(input_shape: Any, default_size: int, min_size: int, data_format: str,
                       require_flatten: bool, weights: Any = None) -> tuple:
    """The model's input shape (without batch) after Keras's checks on size and channels."""
    channels_last = data_format == "channels_last"
    if input_shape is not None:
        input_shape = tuple(input_shape)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was passed "
                          f"an input_shape with {channels} input channels.", stacklevel=3)
        default = (default_size, default_size, channels) if channels_last else (channels, default_size, default_size)
    else:
        default = (default_size, default_size, 3) if channels_last else (3, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, `input_shape` "
                             f"should be {default}.  Received: input_shape={input_shape}")
        return default
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        channels = input_shape[-1] if channels_last else input_shape[0]
        if weights == "imagenet" and channels != 3:
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        spatial = input_shape[:2] if channels_last else input_shape[1:]
        if any(size is not None and size < min_size for size in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default
    else:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Pretrained heads accept only ``None`` or ``"softmax"`` as the classifier activation."""
    if weights is None:
        return
    from strata import activations

    chosen = activations.get(classifier_activation)
    if chosen not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` "
            "argument when using pretrained weights, with `include_top=True`; Received: "
            f"classifier_activation={classifier_activation}"
        )


def correct_pad(inputs: Any, kernel_size: int | tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zero padding that makes a stride-2 ``valid`` convolution centre like TensorFlow's ``same``."""
    spatial = inputs.shape[1:3] if config.image_data_format() == "channels_last" else inputs.shape[2:4]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if spatial[0] is None else (1 - spatial[0] % 2, 1 - spatial[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))
