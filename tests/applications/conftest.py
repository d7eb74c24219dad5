"""Helpers for the applications tests: Keras-2-style weight files written from real Keras models."""

from __future__ import annotations

import re

import numpy as np


def randomize(model, seed: int = 0) -> None:
    """Give a Keras model random weights everywhere, including BatchNormalization statistics."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        shape, name = tuple(variable.shape), variable.name
        if name in ("moving_variance", "variance"):
            value = rng.uniform(0.5, 1.5, shape)
        elif name == "gamma":
            value = rng.uniform(0.5, 1.5, shape)
        elif name in ("moving_mean", "beta", "mean", "bias"):
            value = rng.normal(0.0, 0.1, shape)
        elif name == "count":
            continue
        else:
            value = np.asarray(variable.numpy())
        variable.assign(value.astype(variable.dtype))


def write_keras2_h5(model, path) -> None:
    """Write ``model``'s weights in the layout of Keras's published ImageNet files.

    Root attributes ``layer_names``, ``backend`` and ``keras_version``; one group per layer with
    ``weight_names`` such as ``block1_conv1/kernel:0``; datasets nested under the layer name.
    """
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [layer.name.encode("utf8") for layer in model.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in model.layers:
            group = f.create_group(layer.name)
            variables = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            names = [f"{layer.name}/{variable.name}:0" for variable in variables]
            group.attrs["weight_names"] = [name.encode("utf8") for name in names]
            for name, variable in zip(names, variables):
                group.create_dataset(name, data=np.asarray(variable.numpy()))


def keras_auto_name(class_name: str) -> str:
    """The base Keras gives an unnamed layer of ``class_name`` (``GlobalAveragePooling2D`` -> ...)."""
    from keras.src.utils.naming import to_snake_case

    return to_snake_case(class_name)


def layer_signature(layer) -> str:
    """``Class:name``, with Keras's auto-generated names (``conv2d_17``) reduced to ``Class:auto``."""
    name, cls = layer.name, type(layer).__name__
    base = keras_auto_name(cls)
    if re.fullmatch(re.escape(base) + r"(_\d+)?", name) or re.fullmatch(r"input_layer(_\d+)?", name):
        return f"{cls}:auto"
    return f"{cls}:{name}"
