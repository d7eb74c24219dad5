"""Model configs in the legacy layout (``.h5`` files, tf.keras 2.x JSON) to and from Keras 3's schema.

Legacy configs differ from Keras 3's in a handful of ways, all handled here:

- layer entries are ``{"class_name", "config"}`` without ``module``/``registered_name``;
- layers and ``InputLayer`` carry ``batch_input_shape`` (Keras 3: an ``InputLayer`` with
  ``batch_shape``), and dtypes are plain strings such as ``"float32"``;
- old class names (``"Model"`` for functional models, ``"Policy"`` for dtype policies);
- functional ``inbound_nodes`` in the list-of-lists form ``[[["dense", 0, 0, {}]]]``;
- initializers, regularizers and constraints as bare ``{"class_name", "config"}`` dicts.

:func:`read_legacy_model_config` accepts both tf.keras 2.x configs and the legacy-style configs that
Keras 3 itself writes into ``.h5`` files, and returns Keras 3's schema, which
``Sequential.from_config`` and ``Functional.from_config`` read.
"""

from __future__ import annotations

import copy
import json
from typing import Any

_MODEL_CLASSES = ("Sequential", "Functional", "Model")
_RENAMED = {"Model": "Functional", "BatchNormalizationV1": "BatchNormalization",
            "BatchNormalizationV2": "BatchNormalization"}
_LAMBDA_LEGACY_KEYS = ("module", "function_type", "output_shape_type", "output_shape_module")
_OBJECT_MODULES = (("_initializer", "keras.initializers"), ("_regularizer", "keras.regularizers"),
                   ("_constraint", "keras.constraints"))


def is_legacy_model_config(config: Any) -> bool:
    """Whether a parsed model config is in the legacy layout (its top level has no ``module`` key)."""
    return isinstance(config, dict) and "class_name" in config and "module" not in config


def read_legacy_model_config(json_or_dict: str | bytes | dict) -> dict:
    """Convert a tf.keras 2.x (or Keras 3 ``.h5``) model config to Keras 3's schema.

    Args:
        json_or_dict: the config as a JSON string (``model.to_json()`` or the ``model_config``
            attribute of an ``.h5`` file) or as the parsed dict ``{"class_name", "config", ...}``.

    Returns:
        A new dict ``{"module", "class_name", "config", "registered_name"}`` whose nested layer
        entries follow Keras 3's schema. The input is not modified.

    Example:
        >>> cfg = read_legacy_model_config('{"class_name": "Model", "config": {"name": "m", '
        ...     '"layers": [], "input_layers": [], "output_layers": []}}')
        >>> cfg["class_name"]
        'Functional'
    """
    if isinstance(json_or_dict, bytes):
        json_or_dict = json_or_dict.decode("utf-8")
    if isinstance(json_or_dict, str):
        try:
            json_or_dict = json.loads(json_or_dict)
        except json.JSONDecodeError as error:
            raise ValueError(f"The model config is not valid JSON ({error}). Received: {json_or_dict[:80]!r}") from None
    if not isinstance(json_or_dict, dict) or "class_name" not in json_or_dict or "config" not in json_or_dict:
        raise ValueError(
            "A model config must be a dict with 'class_name' and 'config' keys, as written by "
            f"`model.to_json()`. Received: {str(json_or_dict)[:120]}"
        )
    return _convert_entry(copy.deepcopy(json_or_dict), top_level=True)[0]


def _convert_entry(entry: dict, top_level: bool = False) -> tuple[dict, Any]:
    """Convert one serialized layer or model entry in place; return it and its legacy batch shape."""
    class_name = _RENAMED.get(entry["class_name"], entry["class_name"])
    entry["class_name"] = class_name
    config = entry.get("config") or {}
    if isinstance(config, list):  # Keras <= 2.2 wrote a Sequential's config as its bare layer list
        config = {"layers": config}
    entry["config"] = config
    shape = None
    if class_name in _MODEL_CLASSES:
        _convert_model_config(class_name, config)
        entry.setdefault("module", "keras" if class_name == "Sequential" else "keras.src.models.functional")
        entry.setdefault("registered_name", None if class_name == "Sequential" else "Functional")
    else:
        shape = _convert_layer_config(class_name, config)
        entry.setdefault("module", "keras.layers")
        entry.setdefault("registered_name", None)
    if not top_level:
        entry.pop("build_config", None)
    for key in ("keras_version", "backend"):
        entry.pop(key, None)
    return entry, shape


def _convert_model_config(class_name: str, config: dict) -> None:
    layers = config.get("layers", [])
    shapes = []
    for layer in layers:
        shapes.append(_convert_entry(layer)[1])
        if "inbound_nodes" in layer:
            layer["inbound_nodes"] = [_convert_node(node) for node in layer["inbound_nodes"]]
    if class_name == "Sequential":
        if layers and layers[0]["class_name"] != "InputLayer" and shapes[0] is not None:
            first = layers[0]["config"]
            input_config = {"batch_shape": shapes[0], "dtype": _dtype_name(first.get("dtype")),
                            "sparse": False, "ragged": False, "name": f"{first.get('name', 'input')}_input",
                            "optional": False}
            layers.insert(0, {"module": "keras.layers", "class_name": "InputLayer",
                              "config": input_config, "registered_name": None})
        if isinstance(config.get("dtype"), str):
            config["dtype"] = _policy(config["dtype"])


def _convert_layer_config(class_name: str, config: dict) -> Any:
    """Convert a layer's config in place; return its legacy ``batch_input_shape`` (or None)."""
    shape = config.pop("batch_input_shape", None)
    if class_name == "InputLayer":
        if shape is not None:
            config["batch_shape"] = shape
        config["dtype"] = _dtype_name(config.get("dtype"))
        config.setdefault("sparse", False)
        config.setdefault("ragged", False)
        config.setdefault("optional", False)
        return None
    if isinstance(config.get("dtype"), (str, dict)):
        config["dtype"] = _policy(config["dtype"])
    for key, value in list(config.items()):
        for suffix, module in _OBJECT_MODULES:
            if key.endswith(suffix) and isinstance(value, dict) and "class_name" in value:
                value.setdefault("module", module)
                value.setdefault("registered_name", None)
    if class_name == "Lambda":
        _convert_lambda(config)
    return shape


def _convert_lambda(config: dict) -> None:
    """tf.keras 2.x wrote a lambda as ``[code, defaults, closure]`` plus ``function_type`` keys."""
    for key in _LAMBDA_LEGACY_KEYS:
        config.pop(key, None)
    function = config.get("function")
    if isinstance(function, list) and len(function) == 3:
        code, defaults, closure = function
        config["function"] = {"class_name": "__lambda__",
                              "config": {"code": code, "defaults": defaults, "closure": closure}}


def _policy(dtype: Any) -> Any:
    """A dtype string or legacy ``Policy`` dict as Keras 3's ``DTypePolicy`` dict."""
    name = _dtype_name(dtype)
    if name is None:
        return None
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


def _dtype_name(dtype: Any) -> Any:
    if isinstance(dtype, dict):
        return (dtype.get("config") or {}).get("name")
    return dtype


def _convert_node(node: Any) -> Any:
    """A legacy inbound node ``[[layer, node_index, tensor_index, kwargs], ...]`` in Keras 3's form."""
    if not isinstance(node, list):
        return node
    tensors, kwargs = [], {}
    for item in node:
        if not isinstance(item, list) or len(item) not in (3, 4):
            raise ValueError(
                "Cannot read the model config: an inbound node entry must be "
                f"[layer_name, node_index, tensor_index(, kwargs)]. Received: {item!r}"
            )
        tensors.append(_keras_tensor(item[:3]))
        if len(item) == 4 and item[3]:
            kwargs.update(item[3])
    args = [tensors[0]] if len(tensors) == 1 else [tensors]
    return {"args": args, "kwargs": kwargs}


def _keras_tensor(history: list) -> dict:
    # The legacy format does not record shapes; strata rebuilds the graph from keras_history alone.
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None, "keras_history": list(history)}}


def legacy_model_config(model: Any) -> dict:
    """``{"class_name", "config"}`` as Keras 3 writes it into ``.h5`` files (layers without ``module``)."""
    config = copy.deepcopy(model.get_config())
    _strip_layer_entries(config)
    return {"class_name": type(model).__name__, "config": config}


def _strip_layer_entries(config: dict) -> None:
    for layer in config.get("layers", []) or []:
        for key in ("module", "registered_name", "build_config"):
            layer.pop(key, None)
        inner = layer.get("config")
        if isinstance(inner, dict) and "layers" in inner:
            _strip_layer_entries(inner)
