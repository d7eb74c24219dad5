"""Layers and models to and from Keras's config dicts (``{"module", "class_name", "config", ...}``).

Built-in layers are written as ``{"module": "keras.layers", "registered_name": None}``, the model
classes as Keras writes them (``"keras"`` / ``Sequential``, ``"keras.src.models.functional"`` /
``Functional``), and user classes with their registered name (``"Custom>MyLayer"``).  Reading
resolves classes only from built-ins, registered objects and ``custom_objects``: it never imports
a module a file names, and it refuses marshalled Python code unless ``safe_mode=False``.
"""

from __future__ import annotations

import inspect
from typing import Any

from strata.saving import object_registration

_LAMBDA_REFUSAL = (
    "Requested the deserialization of a Python lambda. This carries a potential risk of arbitrary "
    "code execution and thus it is disallowed by default. If you trust the source of the artifact, "
    "you can override this error by passing `safe_mode=False` to the loading function."
)


class UnknownObjectError(ValueError):
    """A config names a class or function that is neither built in nor registered."""


def layer_registry() -> dict[str, type]:
    """Built-in layer classes by Keras class name."""
    from strata import layers

    return {name: getattr(layers, name) for name in dir(layers)
            if isinstance(getattr(layers, name), type) and name != "Layer"}


def model_classes() -> dict[str, type]:
    """The built-in model classes by Keras class name."""
    from strata.models import Functional, Model, Sequential

    return {"Sequential": Sequential, "Functional": Functional, "Model": Model}


def class_entry(obj: Any) -> dict[str, Any]:
    """``module``, ``class_name`` and ``registered_name`` of a layer or model, as Keras writes them."""
    cls = type(obj)
    name = cls.__name__
    if cls not in object_registration.GLOBAL_CUSTOM_NAMES:
        if layer_registry().get(name) is cls:
            return {"module": "keras.layers", "class_name": name, "registered_name": None}
        builtin_models = model_classes()
        if builtin_models.get(name) is cls and name == "Sequential":
            return {"module": "keras", "class_name": name, "registered_name": None}
        if builtin_models.get(name) is cls:
            return {"module": f"keras.src.models.{name.lower()}", "class_name": name, "registered_name": name}
    return {"module": cls.__module__, "class_name": name,
            "registered_name": object_registration.get_registered_name(cls)}


def serialize_layer(layer: Any) -> dict:
    """A layer (or model) as Keras serializes it: class entry, config, build and compile configs."""
    from strata.saving.keras_object import serialize_value

    entry = class_entry(layer)
    config = layer.get_config()
    if not isinstance(config, dict):
        raise TypeError(
            f"The `get_config()` method of {type(layer).__name__} '{layer.name}' should return a dict. "
            f"It returned: {config!r}"
        )
    result = {"module": entry["module"], "class_name": entry["class_name"],
              "config": serialize_value(config), "registered_name": entry["registered_name"]}
    build = layer.get_build_config() if entry["class_name"] != "InputLayer" else None
    if build is not None:
        result["build_config"] = serialize_value(build)
    if hasattr(layer, "compiled") and hasattr(layer, "_compile_config"):
        from strata.saving.model_config import get_compile_config

        result["compile_config"] = get_compile_config(layer)
    return result


def contains_lambda(value: Any) -> bool:
    """Whether a config holds marshalled Python code (a ``__lambda__`` record)."""
    if isinstance(value, dict):
        if value.get("class_name") == "__lambda__":
            return True
        return any(contains_lambda(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_lambda(v) for v in value)
    return False


def effective_safe_mode(safe_mode: bool | None) -> bool:
    """``safe_mode`` if given, else the mode of the load in progress, else ``True``."""
    if safe_mode is not None:
        return bool(safe_mode)
    scoped = object_registration.in_safe_mode()
    return True if scoped is None else scoped


def unknown_class(kind: str, class_name: Any, registered_name: Any) -> UnknownObjectError:
    """The error for a class that is neither built in nor registered, with both ways to fix it."""
    shown = class_name if registered_name in (None, class_name) else f"{class_name}' (registered as '{registered_name}"
    return UnknownObjectError(
        f"Unknown {kind} class '{shown}'. strata never imports code named in a file, so custom classes "
        f"must be known before loading: decorate the class with "
        f"`@strata.saving.register_keras_serializable()` and import it, or pass it with "
        f"`custom_objects={{'{class_name}': {class_name}}}`."
    )


def resolve_layer_class(entry: dict, custom_objects: dict | None = None) -> type:
    """The class a serialized layer entry names (custom/registered first, then built-ins)."""
    class_name = entry.get("class_name")
    registered = entry.get("registered_name")
    if not isinstance(class_name, str):
        raise ValueError(f"A serialized layer needs a string 'class_name'. Received: {entry!r:.200}")
    found = object_registration.get_registered_object(registered, custom_objects) if isinstance(registered, str) else None
    if found is None and registered == "strata>ImageNetPreprocessing":  # applications (issue 12), imported lazily
        from strata.applications.preprocessing_layer import ImageNetPreprocessing

        found = ImageNetPreprocessing
    if found is None and custom_objects and class_name in custom_objects:
        found = custom_objects[class_name]
    module = entry.get("module")
    if found is None and (module is None or str(module).startswith("keras")):
        found = layer_registry().get(class_name) or model_classes().get(class_name)
    if found is None:
        raise unknown_class("layer", class_name, registered)
    if not inspect.isclass(found):
        raise TypeError(f"'{class_name}' resolves to {found!r}, which is not a class.")
    return found


def call_from_config(cls: type, config: dict, custom_objects: dict | None, safe_mode: bool) -> Any:
    """``cls.from_config(config)``, passing ``custom_objects``/``safe_mode`` where it accepts them."""
    try:
        parameters = inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        parameters = {}
    kwargs: dict[str, Any] = {}
    if "custom_objects" in parameters:
        kwargs["custom_objects"] = custom_objects
    if "safe_mode" in parameters:
        kwargs["safe_mode"] = safe_mode
    return cls.from_config(config, **kwargs)


def _as_shape(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_as_shape(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_shape(v) for k, v in value.items()}
    return value


def deserialize_layer(entry: dict, custom_objects: dict | None = None, safe_mode: bool | None = None) -> Any:
    """A layer (or model) from its serialized dict, built from its ``build_config`` when present.

    Args:
        entry: the serialized layer (``{"module", "class_name", "config", ...}``).
        custom_objects: extra classes by name (user classes that are not registered).
        safe_mode: refuse marshalled code (default: the mode of the current load, else ``True``).
    """
    if not isinstance(entry, dict):
        raise ValueError(f"A serialized layer must be a dict. Received: {entry!r:.200}")
    safe = effective_safe_mode(safe_mode)
    if safe and contains_lambda(entry):
        raise ValueError(f"{_LAMBDA_REFUSAL} (in layer '{entry.get('class_name')}')")
    custom = object_registration.all_custom_objects(custom_objects)
    cls = resolve_layer_class(entry, custom)
    config = entry.get("config")
    if not isinstance(config, dict):
        raise ValueError(f"The config of layer class '{entry.get('class_name')}' must be a dict. Received: {config!r:.200}")
    with object_registration.safe_mode_scope(safe):
        layer = call_from_config(cls, dict(config), custom, safe)
        build = entry.get("build_config")
        shape = build.get("input_shape") if isinstance(build, dict) else None
        if shape is not None and not layer.built and entry.get("class_name") != "InputLayer":
            if hasattr(layer, "compiled"):
                layer.build(_as_shape(shape))
            else:
                layer._maybe_build(_as_shape(shape))
    return layer
