"""``serialize_keras_object`` / ``deserialize_keras_object``: any strata object to Keras's dicts and back.

Each family keeps its own ``serialize``/``deserialize`` (layers, optimizers, losses, metrics,
initializers, regularizers, constraints); this module dispatches between them and handles the
special records Keras writes (``__numpy__``, ``__tensor__``, ``__bytes__``, ``__slice__``,
``__ellipsis__``, functions, and ``__lambda__`` — the last only with ``safe_mode=False``).
"""

from __future__ import annotations

import inspect
import types
from typing import Any

import numpy as np

from strata.saving import object_registration
from strata.saving.serialization import (
    _LAMBDA_REFUSAL,
    UnknownObjectError,
    call_from_config,
    deserialize_layer,
    effective_safe_mode,
    layer_registry,
    model_classes,
    serialize_layer,
)

_PLAIN = (str, int, float, bool)


def serialize_value(value: Any) -> Any:
    """Make a config value JSON-ready: tuples become lists, objects become their records."""
    if value is None or isinstance(value, _PLAIN):
        return value
    if isinstance(value, (list, tuple)):
        return [serialize_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): serialize_value(v) for k, v in value.items()}
    return serialize_keras_object(value)


def _serialize_function(fn: Any) -> dict:
    if fn.__name__ == "<lambda>":
        from strata.layers.core.lambda_layer import serialize_function

        record = serialize_function(fn)["config"]
        return {"class_name": "__lambda__",
                "config": {"value": [record["code"], record["defaults"], record["closure"]]}}
    return {"module": "builtins", "class_name": "function",
            "config": object_registration.get_registered_name(fn), "registered_name": "function"}


def serialize_keras_object(obj: Any) -> Any:
    """Return Keras's serialized form of ``obj`` (a dict for objects, plain values unchanged).

    Example:
        >>> serialize_keras_object(strata.optimizers.SGD())["class_name"]
        'SGD'
    """
    from strata import constraints, initializers, losses, metrics, optimizers, regularizers
    from strata.layers.layer import Layer

    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple, dict)):
        return serialize_value(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_value(obj.start),
                                                      "stop": serialize_value(obj.stop),
                                                      "step": serialize_value(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, np.generic) or (isinstance(obj, np.ndarray) and obj.ndim == 0):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if hasattr(obj, "__jax_array__") or type(obj).__module__.startswith("jax"):
        value = np.asarray(obj)
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(obj, types.FunctionType):
        return _serialize_function(obj)
    if isinstance(obj, Layer):
        return serialize_layer(obj)
    if isinstance(obj, optimizers.Optimizer):
        return _with_registration(obj, optimizers.serialize(obj))
    if isinstance(obj, metrics.Metric):
        return _with_registration(obj, metrics.serialize(obj))
    if isinstance(obj, losses.Loss):
        return _with_registration(obj, losses.serialize(obj))
    for family in (initializers, regularizers, constraints):
        if family.ALL_OBJECTS_DICT.get(type(obj).__name__) is type(obj):
            return family.serialize(obj)
    if hasattr(obj, "get_config"):
        cls = type(obj)
        return {"module": cls.__module__, "class_name": cls.__name__,
                "config": serialize_value(obj.get_config()),
                "registered_name": object_registration.get_registered_name(cls)}
    raise TypeError(
        f"Cannot serialize object {obj!r} of type {type(obj).__name__}. To be serializable, a class "
        "must implement the `get_config()` method."
    )


def _with_registration(obj: Any, record: dict) -> dict:
    registered = object_registration.GLOBAL_CUSTOM_NAMES.get(type(obj))
    if registered is not None:
        record = dict(record, module=type(obj).__module__, registered_name=registered)
    return record


def _builtin_function(name: str) -> Any:
    from strata import activations, losses, metrics
    from strata.metrics.serialization import _functions

    for table in (activations.ALL_OBJECTS_DICT, losses.LOSSES, _functions(), metrics.ALL_OBJECTS_DICT):
        found = table.get(name)
        if found is not None and inspect.isfunction(found):
            return found
    return None


def _special(class_name: str, inner: Any, safe_mode: bool, custom: dict) -> Any:
    if class_name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        import jax.numpy as jnp

        return jnp.asarray(np.asarray(inner["value"], dtype=inner["dtype"]))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(deserialize_keras_object(inner.get(k), custom, safe_mode) for k in ("start", "stop", "step")))
    if class_name == "__lambda__":
        if safe_mode:
            raise ValueError(_LAMBDA_REFUSAL)
        from strata.layers.core.lambda_layer import _load_lambda

        return _load_lambda({"code": inner["value"]}, custom)
    raise UnknownObjectError(f"Unknown special record '{class_name}'.")


_FAMILIES = ("optimizers", "losses", "metrics", "initializers", "regularizers", "constraints")


def deserialize_keras_object(config: Any, custom_objects: dict | None = None, safe_mode: bool = True,
                             **kwargs: Any) -> Any:
    """Rebuild the object a :func:`serialize_keras_object` record (or Keras's) describes.

    Args:
        config: the record; lists and plain dicts are deserialized item by item.
        custom_objects: user classes/functions by name (registered objects are always known).
        safe_mode: refuse ``__lambda__`` records (marshalled code) unless ``False``.
    """
    import strata

    safe_mode = effective_safe_mode(safe_mode)
    custom = object_registration.all_custom_objects(custom_objects)
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        return custom.get(config, config)
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(v, custom, safe_mode) for v in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r:.200}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom, safe_mode) for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    registered = config.get("registered_name")
    if isinstance(class_name, str) and class_name.startswith("__"):
        return _special(class_name, inner if inner is not None else {}, safe_mode, custom)
    if class_name == "function":
        found = custom.get(inner) or (custom.get(registered) if registered != "function" else None)
        found = found or _builtin_function(str(inner))
        if found is None:
            raise UnknownObjectError(
                f"Unknown function '{inner}'. Register it with `@strata.saving.register_keras_serializable()` "
                f"or pass it with `custom_objects={{'{inner}': {inner}}}`."
            )
        return found
    module = str(config.get("module") or "")
    cls = custom.get(registered) if isinstance(registered, str) else None
    cls = cls or (custom.get(class_name) if isinstance(class_name, str) else None)
    if cls is not None:
        from strata.layers.layer import Layer

        if inspect.isclass(cls) and issubclass(cls, Layer):
            return deserialize_layer(config, custom, safe_mode)
        if inspect.isclass(cls):
            with object_registration.safe_mode_scope(safe_mode):
                return call_from_config(cls, dict(inner or {}), custom, safe_mode)
        return cls
    if class_name == "DTypePolicy":
        return (inner or {}).get("name")
    if class_name in layer_registry() or class_name in model_classes():
        return deserialize_layer(config, custom, safe_mode)
    for family in _FAMILIES:
        if module == f"keras.{family}" or module.startswith(f"keras.src.{family}"):
            return getattr(strata, family).deserialize(config, custom_objects=custom)
    raise UnknownObjectError(
        f"Unknown class '{class_name}' (module {module or None!r}, registered name {registered!r}). "
        "strata never imports code named in a file: decorate the class with "
        "`@strata.saving.register_keras_serializable()` and import it, or pass it with "
        f"`custom_objects={{'{class_name}': {class_name}}}`."
    )
