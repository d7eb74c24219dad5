"""Grad-CAM: which part of an image a class prediction comes from.

Grad-CAM (Selvaraju et al., 2017; the Keras example "Grad-CAM class activation visualization")
takes the feature map ``A`` of the last convolution layer and the gradient of one class score with
respect to it.  The mean gradient over the spatial positions weighs each channel; the weighted
sum of the channels, through a ReLU and divided by its maximum, is a heatmap in ``[0, 1]`` at the
feature map's resolution.  An all-zero heatmap means no position argues for the class.

The model is split at the layer's output into ``base = Model(inputs, A)`` and
``head = Model(A, outputs)``; the gradient is ``jax.grad`` of the head, and both halves run in one
compiled program.  The class score is the model's output as it is (a softmax probability for a
softmax classifier).  :func:`overlay_heatmap` colours the heatmap with ``jet``, resizes it to the
image and superimposes it, as the Keras example does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.explain import feature_models
from strata.explain.activation_maps import one_image
from strata.explain.figures import new_figure, show_image

_TOOL = "grad_cam"


def _program(model: Any, layer: Any) -> feature_models.TwoStageProgram:
    import jax
    import jax.numpy as jnp

    (tensor,) = feature_models.model_inputs(model, _TOOL)
    features = feature_models.output_tensor(layer, _TOOL)
    outputs = model.outputs
    if len(outputs) != 1:
        raise ValueError(f"{_TOOL} needs a model with one output; model '{model.name}' has {len(outputs)}.")

    def body(call_base, call_head, image, class_index):
        maps = call_base(image)
        predictions = call_head(maps)
        chosen = jnp.where(class_index < 0, jnp.argmax(predictions[0]), class_index)
        grads = jax.grad(lambda a: call_head(a)[0, chosen])(maps)
        weights = jnp.mean(grads, axis=(0, 1, 2))
        heatmap = jax.nn.relu(jnp.sum(maps[0] * jnp.reshape(weights, (1, 1, -1)), axis=-1))
        peak = jnp.max(heatmap)
        safe = jnp.where(peak > 0, peak, 1.0)
        return jnp.where(peak > 0, heatmap / safe, jnp.zeros_like(heatmap)), chosen

    def build() -> feature_models.TwoStageProgram:
        base = feature_models.submodel([tensor], features, f"{model.name}_to_{layer.name}")
        try:
            head = feature_models.submodel(features, outputs[0], f"{model.name}_from_{layer.name}")
        except ValueError as error:
            raise ValueError(
                f"{_TOOL} differentiates the output with respect to layer '{layer.name}', so every path "
                f"from the input to the output must pass through that layer's output; in model "
                f"'{model.name}' some path bypasses it. Choose a later layer. ({error})"
            ) from error
        return feature_models.TwoStageProgram(base, head, body)

    return feature_models.cached(model, ("grad_cam", id(tensor), id(features), id(outputs[0])), build)


def grad_cam(model: Any, image: Any, last_conv_layer_name: str, class_index: int | None = None, *,
             plot: bool = False, alpha: float = 0.4) -> Any:
    """The Grad-CAM heatmap of one image for one class.

    Args:
        model: a built classifier with one image input and one output ``(batch, classes)``.
        image: one image ``(height, width, channels)`` (or a batch of one), preprocessed as the
            model expects.
        last_conv_layer_name: the layer whose feature map is weighed (usually the last convolution,
            or the activation right after it); its output must be ``(batch, h, w, channels)``.
        class_index: the class to explain (default: the predicted one).
        plot: also return a figure of the image, the heatmap and the overlay.
        alpha: heatmap weight of the overlay in the figure.

    Returns:
        the float32 heatmap ``(h, w)`` in ``[0, 1]``; with ``plot=True``, ``(heatmap, figure)``.

    Example:
        >>> import strata as keras
        >>> from strata import layers
        >>> model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3, name="conv"),
        ...                           layers.GlobalAveragePooling2D(), layers.Dense(3)])
        >>> grad_cam(model, np.ones((8, 8, 1)), "conv").shape
        (6, 6)
    """
    layer = feature_models.find_layer(model, last_conv_layer_name, "last_conv_layer_name")
    shape = tuple(feature_models.output_tensor(layer, _TOOL).shape)
    if len(shape) != 4 or getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ValueError(
            f"{_TOOL} weighs the channels of a (batch, height, width, channels) feature map, but layer "
            f"{last_conv_layer_name!r} outputs {shape}. Received: last_conv_layer_name="
            f"{last_conv_layer_name!r}. Convolution layers: {feature_models.conv_layer_names(model)}."
        )
    program = _program(model, layer)
    batch = one_image(image, tuple(program.base.inputs[0].shape), _TOOL)
    classes = int(model.outputs[0].shape[-1])
    if class_index is None:
        index = -1
    elif isinstance(class_index, (int, np.integer)) and 0 <= class_index < classes:
        index = int(class_index)
    else:
        raise ValueError(f"`class_index` must be an int in [0, {classes}) (the model has {classes} "
                         f"outputs). Received: class_index={class_index!r}")
    import jax.numpy as jnp

    heatmap, _ = program(batch, jnp.int32(index))
    heatmap = np.asarray(heatmap)
    if not plot:
        return heatmap
    return heatmap, plot_grad_cam(batch[0], heatmap, alpha)


def _displayable(image: Any) -> np.ndarray:
    """``image`` as float32 RGB on a 0..255 scale (floats with max <= 1 are taken as 0..1); an image
    with other than three channels is shown as the grey mean of its channels."""
    array = np.asarray(image)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3:
        raise ValueError(f"`image` must be (height, width) or (height, width, channels). "
                         f"Received: image of shape {np.shape(image)}")
    scaled = array.astype(np.float32)
    if scaled.shape[-1] != 3:
        scaled = scaled.mean(axis=-1, keepdims=True)
    if np.issubdtype(array.dtype, np.floating) and scaled.size and scaled.max() <= 1.0:
        scaled = scaled * 255.0
    return np.repeat(scaled, 3, axis=-1) if scaled.shape[-1] == 1 else scaled


def overlay_heatmap(image: Any, heatmap: Any, alpha: float = 0.4, colormap: str = "jet") -> np.ndarray:
    """Superimpose a heatmap on an image: ``image + alpha * jet(heatmap)``, rescaled to ``uint8``.

    The heatmap (values in ``[0, 1]``) is coloured with ``colormap`` through 256 levels, resized
    bilinearly to the image, weighted by ``alpha`` and added to the image on a 0..255 scale; the sum
    is stretched to 0..255 as ``keras.utils.array_to_img`` does.

    Returns:
        the ``uint8`` RGB image ``(height, width, 3)``.

    Example:
        >>> overlay_heatmap(np.zeros((4, 4, 3), "uint8"), np.eye(2)).shape
        (4, 4, 3)
    """
    import matplotlib

    from strata.utils.image_resize import resize_image

    rgb = _displayable(image)
    heatmap = np.asarray(heatmap, dtype=np.float32)
    if heatmap.ndim != 2:
        raise ValueError(f"`heatmap` must be 2D (height, width). Received: heatmap of shape {heatmap.shape}")
    levels = np.uint8(np.clip(np.nan_to_num(heatmap), 0.0, 1.0) * 255)
    colours = matplotlib.colormaps[colormap](np.arange(256))[:, :3].astype(np.float32) * 255.0
    coloured = resize_image(colours[levels], (rgb.shape[0], rgb.shape[1]))
    total = coloured * np.float32(alpha) + rgb
    total = total - total.min()
    if total.max() > 0:
        total = total / total.max()
    return (total * 255.0).astype(np.uint8)


def plot_grad_cam(image: Any, heatmap: Any, alpha: float = 0.4) -> Any:
    """A figure with three axes: the image, the heatmap and their overlay."""
    figure = new_figure((7.5, 2.8))
    show_image(figure.add_subplot(1, 3, 1), np.clip(_displayable(image), 0, 255).astype(np.uint8), "image")
    show_image(figure.add_subplot(1, 3, 2), heatmap, "Grad-CAM", cmap="jet")
    show_image(figure.add_subplot(1, 3, 3), overlay_heatmap(image, heatmap, alpha), "overlay")
    return figure
