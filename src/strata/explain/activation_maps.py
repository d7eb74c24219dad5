"""Intermediate activations: what each layer of a CNN computes for one image.

As in the course (Chollet, *Deep Learning with Python*, "visualizing intermediate activations"), a
model ``Model(model.inputs, [layer.output, ...])`` returns the feature maps of the chosen layers
for one image; each channel is then shown as a small grey-level picture, normalised on its own
(centred, scaled to a standard deviation of 64 around grey 128), all channels of a layer tiled in
one grid.  The sub-model runs as one compiled program, reused by later calls on the same layers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from strata.explain import feature_models
from strata.explain.figures import new_figure, show_image

_TOOL = "activation_maps"


def _default_layer_names(model: Any) -> list[str]:
    from strata.layers.core.input_layer import InputLayer

    names = []
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            continue
        try:
            rank = len(layer.output.shape)
        except (AttributeError, ValueError):  # a shared layer has no single output
            continue
        if rank == 4:
            names.append(layer.name)
    return names


def one_image(image: Any, shape: tuple, tool: str) -> np.ndarray:
    """``image`` as a float32 batch of one, checked against the model's input ``shape``."""
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == len(shape) - 1:
        array = array[None]
    if array.ndim != len(shape) or array.shape[0] != 1 or any(
            want is not None and want != got for want, got in zip(shape[1:], array.shape[1:])):
        raise ValueError(f"{tool} explains one image of shape {tuple(shape[1:])} (or a batch of one). "
                         f"Received: image of shape {np.shape(image)}")
    return array


def activation_maps(model: Any, image: Any, layer_names: list[str] | None = None, *, plot: bool = False,
                    images_per_row: int = 16) -> Any:
    """The activations of intermediate layers for one image.

    Args:
        model: a built model with one input.
        image: one input ``(height, width, channels)``, or a batch of one.
        layer_names: the layers to read (default: every layer whose output is a rank-4 feature
            map, in model order: the convolution and pooling layers of a CNN).
        plot: also return one figure per layer (see :func:`plot_activation_maps`).
        images_per_row: channels per grid row in the figures.

    Returns:
        ``{layer name: activation}`` with the batch axis dropped (``(h, w, channels)`` for a conv
        layer); with ``plot=True``, ``(activations, figures)``.

    Example:
        >>> import strata as keras
        >>> from strata import layers
        >>> model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3, name="conv"),
        ...                           layers.MaxPooling2D(2, name="pool"), layers.Flatten()])
        >>> maps = activation_maps(model, np.ones((8, 8, 1)))
        >>> {name: value.shape for name, value in maps.items()}
        {'conv': (6, 6, 2), 'pool': (3, 3, 2)}
    """
    (tensor,) = feature_models.model_inputs(model, _TOOL)
    names = _default_layer_names(model) if layer_names is None else list(layer_names)
    if not names:
        raise ValueError(f"Model '{model.name}' has no layer with a rank-4 feature map; pass "
                         f"`layer_names` from {[layer.name for layer in model.layers]}.")
    outputs = [feature_models.output_tensor(feature_models.find_layer(model, name, "layer_names"), _TOOL)
               for name in names]
    batch = one_image(image, tuple(tensor.shape), _TOOL)
    key = ("activations", id(tensor), tuple(id(t) for t in outputs))
    program = feature_models.cached(model, key, lambda: feature_models.Program(
        feature_models.submodel([tensor], outputs, f"{model.name}_activations"),
        lambda call, x: call(x)))
    values = program(batch)
    maps = {name: np.asarray(value)[0] for name, value in zip(names, values)}
    if not plot:
        return maps
    return maps, plot_activation_maps(maps, images_per_row)


def activation_grid(activation: Any, images_per_row: int = 16) -> np.ndarray:
    """Tile the channels of one ``(h, w, channels)`` activation into a ``uint8`` grid.

    Each channel is centred and scaled to a standard deviation of 64 around 128 on its own (a
    constant channel stays flat grey); unused cells of the last row are black.

    Example:
        >>> activation_grid(np.zeros((2, 3, 5)), images_per_row=4).shape
        (4, 12)
    """
    activation = np.asarray(activation, dtype=np.float32)
    if activation.ndim != 3:
        raise ValueError(f"`activation` must have shape (height, width, channels). "
                         f"Received: activation of shape {activation.shape}")
    height, width, channels = activation.shape
    columns = min(images_per_row, channels)
    rows = math.ceil(channels / columns)
    grid = np.zeros((rows * height, columns * width), np.uint8)
    for channel in range(channels):
        values = activation[..., channel] - activation[..., channel].mean()
        std = values.std()
        if std > 0:
            values = values / std
        tile = np.clip(values * 64.0 + 128.0, 0, 255).astype(np.uint8)
        row, column = divmod(channel, columns)
        grid[row * height:(row + 1) * height, column * width:(column + 1) * width] = tile
    return grid


def plot_activation_maps(activations: dict, images_per_row: int = 16) -> dict:
    """One figure per layer, its channels tiled by :func:`activation_grid` (``viridis``, as the course).

    Returns:
        ``{layer name: matplotlib.figure.Figure}``, each with one axes titled by the layer name.
    """
    figures = {}
    for name, activation in activations.items():
        grid = activation_grid(activation, images_per_row)
        scale = 1.0 / max(activation.shape[0], 1)
        figure = new_figure((max(grid.shape[1] * scale, 2.0), max(grid.shape[0] * scale, 1.0) + 0.4))
        show_image(figure.add_subplot(1, 1, 1), grid, name, cmap="viridis")
        figures[name] = figure
    return figures
