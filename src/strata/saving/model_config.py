"""A model's whole description (config, build and compile configs) to and from Keras 3's schema.

``config.json`` inside ``.keras`` and ``to_json()`` hold the same record::

    {"module", "class_name", "config", "registered_name", "build_config", "compile_config"}

``compile_config`` carries the serialized optimizer (not just its name) and the loss and metric
identifiers as given to ``compile()``; an uncompiled model writes ``{}``.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from strata.saving import object_registration
from strata.saving.keras_object import deserialize_keras_object, serialize_value
from strata.saving.serialization import contains_lambda, deserialize_layer, serialize_layer


def get_compile_config(model: Any) -> dict:
    """``compile()``'s arguments as Keras serializes them (``{}`` for an uncompiled model)."""
    custom = getattr(type(model), "get_compile_config", None)
    if custom is not None:
        return serialize_value(model.get_compile_config() or {})
    raw = getattr(model, "_compile_config", None)
    if not getattr(model, "compiled", False) or raw is None:
        return {}
    from strata import optimizers

    optimizer = model.optimizer
    if getattr(optimizer, "_strata_auto_wrapped", False):  # compile()'s own LossScaleOptimizer (issue 16)
        optimizer = optimizer.inner_optimizer
    jit_compile = raw.get("jit_compile", "auto")
    if jit_compile == "auto":
        jit_compile = not raw.get("run_eagerly", False)
    return {
        "optimizer": optimizers.serialize(optimizer) if optimizer is not None else None,
        "loss": serialize_value(raw.get("loss")),
        "loss_weights": serialize_value(raw.get("loss_weights")),
        "metrics": serialize_value(raw.get("metrics")),
        "weighted_metrics": serialize_value(raw.get("weighted_metrics")),
        "run_eagerly": bool(raw.get("run_eagerly", False)),
        "steps_per_execution": raw.get("steps_per_execution", 1),
        "jit_compile": bool(jit_compile),
    }


def compile_from_config(model: Any, config: dict, custom_objects: dict | None = None) -> None:
    """Compile ``model`` from a saved ``compile_config`` (Keras's ``compile_from_config``)."""
    from strata.training.trainer import Trainer

    if type(model).compile is not Trainer.compile and not hasattr(type(model), "compile_from_config"):
        warnings.warn(
            "`compile()` was not called as part of model loading because the model's `compile()` "
            "method is custom. All subclassed Models that have `compile()` overridden should also "
            "override `get_compile_config()` and `compile_from_config(config)`. Alternatively, you "
            "can call `compile()` manually after loading.",
            stacklevel=3,
        )
        return
    if hasattr(type(model), "compile_from_config"):
        model.compile_from_config(config)
        return
    arguments = deserialize_keras_object(config, custom_objects)
    if not isinstance(arguments, dict):
        raise ValueError(f"A compile_config must be a dict. Received: {config!r:.200}")
    allowed = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
               "steps_per_execution", "jit_compile")
    model.compile(**{k: v for k, v in arguments.items() if k in allowed})
    # The optimizer's slots are created when weights holding them are loaded, or by the first fit:
    # a file saved before any training keeps an unbuilt optimizer, with nothing to warn about.


def serialize_model(model: Any) -> dict:
    """The model's record (class, config, build and compile configs), as Keras writes it."""
    return serialize_layer(model)


def model_from_config(config: Any, custom_objects: dict | None = None, compile: bool = True,
                      safe_mode: bool = True) -> Any:
    """Rebuild (and optionally compile) a model from its record.

    Args:
        config: the record (``{"module", "class_name", "config", ...}``).
        custom_objects: user classes/functions by name.
        compile: compile the model from its ``compile_config`` (when there is one).
        safe_mode: refuse marshalled Python code (``Lambda`` with a ``lambda``).
    """
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(
            "A model record must be a JSON object with 'class_name' and 'config' keys. "
            f"Received: {str(config)[:200]}"
        )
    if safe_mode and contains_lambda(config):
        raise ValueError(
            "Requested the deserialization of a Python lambda. This carries a potential risk of "
            "arbitrary code execution and thus it is disallowed by default. If you trust the source "
            "of the artifact, you can override this error by passing `safe_mode=False` to the "
            "loading function."
        )
    custom = object_registration.all_custom_objects(custom_objects)
    entry = {k: v for k, v in config.items() if k != "compile_config"}
    with object_registration.safe_mode_scope(safe_mode):
        model = deserialize_layer(entry, custom, safe_mode)
        if not hasattr(model, "compiled"):
            raise ValueError(
                f"The record describes a '{config['class_name']}', which is a layer, not a model."
            )
        compile_config = config.get("compile_config")
        if compile and compile_config:
            compile_from_config(model, compile_config, custom)
    return model


def model_to_json(model: Any, **kwargs: Any) -> str:
    """``to_json()``: the model's record as a JSON string (no weights); ``kwargs`` go to ``json.dumps``."""
    return json.dumps(serialize_model(model), **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """Rebuild a model from :func:`model_to_json`'s output (or Keras's ``to_json()``).

    Like Keras, the model is compiled when the JSON holds a non-empty ``compile_config``.  JSON
    written by tf.keras 2.x (no ``module`` keys, ``batch_input_shape``, old class names) is read too.
    """
    if not isinstance(json_string, (str, bytes, bytearray)):
        raise TypeError(f"`json_string` must be a string. Received: json_string={json_string!r:.100}")
    try:
        config = json.loads(json_string)
    except (json.JSONDecodeError, RecursionError, UnicodeDecodeError) as error:
        raise ValueError(f"`json_string` is not valid JSON: {error}") from error
    from strata.saving import legacy_config

    if legacy_config.is_legacy_model_config(config):
        config = legacy_config.read_legacy_model_config(config)
    return model_from_config(config, custom_objects=custom_objects)
