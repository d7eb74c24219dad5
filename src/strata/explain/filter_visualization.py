"""What a convolution filter responds to: gradient ascent on the input image.

The course's "visualise convolutional features" lesson (Chollet, *Deep Learning with Python*,
ch. 9) starts from an image of faint noise around the middle of the input range, and repeatedly
moves it along the gradient of one filter's mean activation, the gradient scaled to unit L2 norm,
so the step size does not depend on the scale of the activations.  After ``iterations`` steps the
image shows the pattern the filter detects; :func:`deprocess_image` turns it into a displayable
``uint8`` image (centre, scale to a standard deviation of 64 around grey 128, clip).

The whole ascent is one compiled program: a ``lax.scan`` over the iterations whose body is a
stateless call of the model truncated at the layer.  Several filters are ascended together, one
image per filter in the batch (images do not interact in inference mode), and the program is
reused for every batch of filters and every later call with the same layer and settings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.explain import feature_models
from strata.explain.figures import image_grid_figure

_TOOL = "visualize_filter"


def _conv_layer(model: Any, layer_name: str) -> Any:
    from strata.layers.convolutional.conv_layer import ConvLayer

    layer = feature_models.find_layer(model, layer_name)
    if not (isinstance(layer, ConvLayer) and layer.rank == 2):
        raise ValueError(
            f"{_TOOL} maximises one filter of a 2D convolution layer, but layer {layer_name!r} is a "
            f"{type(layer).__name__}. Received: layer_name={layer_name!r}. Layers that qualify: "
            f"{feature_models.conv_layer_names(model)}."
        )
    return layer


def _image_shape(model: Any, image_size: Any) -> tuple[int, int, int]:
    (tensor,) = feature_models.model_inputs(model, _TOOL)
    shape = tuple(tensor.shape)
    if len(shape) != 4:
        raise ValueError(f"{_TOOL} needs a model whose input is a batch of images (rank 4); model "
                         f"'{model.name}' takes inputs of shape {shape}.")
    if image_size is None:
        if shape[1] is None or shape[2] is None:
            raise ValueError(f"Model '{model.name}' accepts images of any size {shape}: pass "
                             f"`image_size=(height, width)`. Received: image_size=None")
        return int(shape[1]), int(shape[2]), int(shape[3])
    if (not isinstance(image_size, (tuple, list)) or len(image_size) != 2
            or not all(isinstance(s, (int, np.integer)) and s > 0 for s in image_size)):
        raise ValueError(f"`image_size` must be a pair of positive ints (height, width). "
                         f"Received: image_size={image_size!r}")
    return int(image_size[0]), int(image_size[1]), int(shape[3])


def _filter_indices(layer: Any, filter_indices: Any, channel_axis: int) -> list[int]:
    count = int(feature_models.output_tensor(layer, _TOOL).shape[channel_axis])
    if filter_indices is None:
        return list(range(count))
    for index in filter_indices:
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool) or not 0 <= index < count:
            raise ValueError(
                f"filter_index={index!r} is out of range: layer '{layer.name}' has {count} filters "
                f"(indices 0 to {count - 1})."
            )
    return [int(i) for i in filter_indices]


def _ascent_program(model: Any, layer: Any, shape: tuple, iterations: int, border: int,
                    value_range: tuple, channel_axis: int) -> feature_models.Program:
    import jax
    import jax.numpy as jnp

    low, high = float(value_range[0]), float(value_range[1])

    def body(call, seed, indices, learning_rate):
        keys = jax.vmap(jax.random.fold_in, in_axes=(None, 0))(jax.random.PRNGKey(seed), indices)
        noise = jax.vmap(lambda k: jax.random.uniform(k, shape, jnp.float32, 0.4, 0.6))(keys)
        images = low + (high - low) * noise
        picks = jnp.reshape(indices, (-1, 1, 1, 1))

        def activation(x):  # the mean activation of each image's own filter, shape (batch,)
            maps = call(x)
            spatial = (1, 2) if channel_axis == 3 else (2, 3)
            if all(maps.shape[a] > 2 * border for a in spatial):
                window = [slice(None)] * 4
                for a in spatial:
                    window[a] = slice(border, maps.shape[a] - border)
                maps = maps[tuple(window)]
            chosen = jnp.take_along_axis(maps, picks, axis=channel_axis)
            return jnp.mean(chosen, axis=(1, 2, 3))

        def step(x, _):
            values, pullback = jax.vjp(activation, x)
            (grads,) = pullback(jnp.ones_like(values))
            norms = jnp.sqrt(jnp.maximum(jnp.sum(grads * grads, axis=(1, 2, 3)), 1e-12))
            return x + learning_rate * grads / jnp.reshape(norms, (-1, 1, 1, 1)), values

        images, trace = jax.lax.scan(step, images, None, length=iterations)
        final = activation(images)
        return images, jnp.concatenate([jnp.transpose(trace), final[:, None]], axis=1)

    inputs = feature_models.model_inputs(model, _TOOL)
    output = feature_models.output_tensor(layer, _TOOL)
    key = ("ascent", id(inputs[0]), id(output), shape, iterations, border, value_range)
    return feature_models.cached(model, key, lambda: feature_models.Program(
        feature_models.submodel(inputs, output, f"{model.name}_to_{layer.name}"), body))


def filter_ascent(model: Any, layer_name: str, filter_indices: Any = None, *, image_size: Any = None,
                  iterations: int = 30, learning_rate: float = 10.0, seed: int | None = None,
                  value_range: tuple[float, float] = (0.0, 1.0), border: int = 2,
                  batch_size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Run the gradient ascent for several filters; the raw images and their activation traces.

    Args:
        model: a built model with one image input.
        layer_name: a 2D convolution layer of ``model``.
        filter_indices: the filters to visualise (default: all of them).
        image_size: ``(height, width)``; default the model's input size.
        iterations: gradient-ascent steps.
        learning_rate: step length (the gradient is scaled to unit L2 norm first).
        seed: seeds the starting noise; filter ``i`` starts from ``fold_in(PRNGKey(seed), i)``, so
            a filter gets the same image alone or in a batch.  Default: the next seed of the root
            stream (``strata.utils.set_random_seed``).
        value_range: the input range; the noise starts uniform in its middle fifth (0.4 to 0.6).
        border: activations this close to the edge of the feature map are ignored (when the map
            is large enough), as in the course, to avoid edge artefacts.
        batch_size: filters ascended together in one batch.

    Returns:
        ``(images, activations)``: float32 images ``(n, height, width, channels)`` and the mean
        filter activation before each step and after the last, ``(n, iterations + 1)``.

    Example:
        >>> import strata as keras
        >>> from strata import layers
        >>> model = keras.Sequential([keras.Input((16, 16, 1)), layers.Conv2D(4, 3, name="conv")])
        >>> images, trace = filter_ascent(model, "conv", [0, 3], iterations=5, seed=0)
        >>> images.shape, trace.shape
        ((2, 16, 16, 1), (2, 6))
    """
    import jax.numpy as jnp

    from strata.core.random import next_seed

    layer = _conv_layer(model, layer_name)
    shape = _image_shape(model, image_size)
    channel_axis = 3 if layer.data_format == "channels_last" else 1
    indices = _filter_indices(layer, filter_indices, channel_axis)
    if not isinstance(iterations, (int, np.integer)) or iterations < 0:
        raise ValueError(f"`iterations` must be an int >= 0. Received: iterations={iterations!r}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"`batch_size` must be an int >= 1. Received: batch_size={batch_size!r}")
    program = _ascent_program(model, layer, shape, int(iterations), int(border),
                              (float(value_range[0]), float(value_range[1])), channel_axis)
    seed = next_seed() if seed is None else int(seed)
    size = min(batch_size, len(indices))
    images, traces = [], []
    for start in range(0, len(indices), size):
        chunk = indices[start:start + size]
        padded = chunk + [chunk[-1]] * (size - len(chunk))  # one batch shape: one executable
        out_images, out_trace = program(jnp.uint32(seed), jnp.asarray(padded, jnp.int32),
                                        jnp.float32(learning_rate))
        images.append(np.asarray(out_images)[: len(chunk)])
        traces.append(np.asarray(out_trace)[: len(chunk)])
    return np.concatenate(images), np.concatenate(traces)


def deprocess_image(image: Any, crop: int = 0) -> np.ndarray:
    """A displayable ``uint8`` image: centred, scaled to std 64 around 128, clipped, border cropped.

    Example:
        >>> deprocess_image(np.array([[[0.0], [1.0]]])).ravel().tolist()
        [64, 192]
    """
    image = np.array(image, dtype=np.float32)
    image -= image.mean()
    std = image.std()
    if std > 0:
        image /= std
    image = np.clip(image * 64.0 + 128.0, 0, 255).astype(np.uint8)
    if crop:
        if 2 * crop >= min(image.shape[0], image.shape[1]):
            raise ValueError(f"`crop` removes the whole {image.shape[0]}x{image.shape[1]} image. "
                             f"Received: crop={crop}")
        image = image[crop:-crop, crop:-crop]
    return image


def visualize_filter(model: Any, layer_name: str, filter_index: int, *, image_size: Any = None,
                     iterations: int = 30, learning_rate: float = 10.0, seed: int | None = None,
                     value_range: tuple[float, float] = (0.0, 1.0), border: int = 2, crop: int = 0,
                     plot: bool = False) -> Any:
    """The image that maximises one filter of a convolution layer (see :func:`filter_ascent`).

    Returns:
        the ``uint8`` image ``(height - 2*crop, width - 2*crop, channels)``; with ``plot=True``,
        ``(image, figure)`` where ``figure`` is a ``matplotlib.figure.Figure``.

    Example:
        >>> import strata as keras
        >>> from strata import layers
        >>> model = keras.Sequential([keras.Input((16, 16, 3)), layers.Conv2D(4, 3, name="conv")])
        >>> visualize_filter(model, "conv", 1, iterations=5, seed=0).shape
        (16, 16, 3)
    """
    images, _ = filter_ascent(model, layer_name, [filter_index], image_size=image_size,
                              iterations=iterations, learning_rate=learning_rate, seed=seed,
                              value_range=value_range, border=border, batch_size=1)
    image = deprocess_image(images[0], crop)
    if not plot:
        return image
    return image, image_grid_figure([image], [f"{layer_name}[{filter_index}]"], images_per_row=1)


def visualize_filters(model: Any, layer_name: str, filter_indices: Any = None, *, image_size: Any = None,
                      iterations: int = 30, learning_rate: float = 10.0, seed: int | None = None,
                      value_range: tuple[float, float] = (0.0, 1.0), border: int = 2, crop: int = 0,
                      batch_size: int = 8, images_per_row: int = 8, plot: bool = True) -> Any:
    """Visualise several filters of one layer with one compiled program, as a grid.

    Returns:
        ``(images, figure)``: ``uint8`` images ``(n, height, width, channels)`` and a figure with one
        axes per filter, titled by its index; with ``plot=False`` only the images.

    Example:
        >>> import strata as keras
        >>> from strata import layers
        >>> model = keras.Sequential([keras.Input((16, 16, 1)), layers.Conv2D(4, 3, name="conv")])
        >>> images, figure = visualize_filters(model, "conv", iterations=3, seed=0)
        >>> images.shape, len(figure.axes)
        ((4, 16, 16, 1), 4)
    """
    layer = _conv_layer(model, layer_name)
    channel_axis = 3 if layer.data_format == "channels_last" else 1
    indices = _filter_indices(layer, filter_indices, channel_axis)
    raw, _ = filter_ascent(model, layer_name, indices, image_size=image_size, iterations=iterations,
                           learning_rate=learning_rate, seed=seed, value_range=value_range,
                           border=border, batch_size=batch_size)
    images = np.stack([deprocess_image(image, crop) for image in raw])
    if not plot:
        return images
    return images, image_grid_figure(list(images), [str(i) for i in indices], images_per_row)
