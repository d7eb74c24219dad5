"""Layers and models to and from Keras's config dicts (``{"module", "class_name", "config", ...}``)."""

from __future__ import annotations

from typing import Any

_PUBLIC_MODULES = {"layers": "keras.layers", "models": "keras"}


def layer_registry() -> dict[str, type]:
    """Built-in layer classes by Keras class name."""
    from strata import layers

    return {name: getattr(layers, name) for name in dir(layers)
            if isinstance(getattr(layers, name), type) and name != "Layer"}


def serialize_layer(layer: Any) -> dict:
    """A layer as Keras serializes it inside a model config."""
    entry = {"module": "keras.layers", "class_name": type(layer).__name__,
             "config": layer.get_config(), "registered_name": None}
    if type(layer).__name__ not in layer_registry():
        entry["module"] = None
        entry["registered_name"] = type(layer).__name__
    build = layer.get_build_config() if type(layer).__name__ != "InputLayer" else None
    if build is not None:
        entry["build_config"] = build
    return entry


def deserialize_layer(entry: dict, custom_objects: dict | None = None) -> Any:
    """A layer from its serialized dict (built-in classes, or ``custom_objects``)."""
    registry = dict(layer_registry())
    registry.update(custom_objects or {})
    class_name = entry.get("class_name")
    cls = registry.get(class_name) or registry.get(entry.get("registered_name") or "")
    if cls is None:
        raise ValueError(
            f"Unknown layer class '{class_name}'. If it is a custom layer, pass it with "
            f"`custom_objects={{'{class_name}': {class_name}}}`."
        )
    config = dict(entry.get("config", {}))
    layer = cls.from_config(config)
    build = entry.get("build_config")
    if build and build.get("input_shape") is not None and not layer.built and class_name != "InputLayer":
        layer._maybe_build(tuple(build["input_shape"]))
    return layer
