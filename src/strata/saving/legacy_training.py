"""The ``training_config`` of legacy ``.h5`` files: written from ``compile()`` and read back into it.

Keras 3 writes ``{loss, loss_weights, metrics, weighted_metrics, run_eagerly, steps_per_execution,
jit_compile, optimizer_config: {class_name, config}}``.  tf.keras 2.x writes the same keys (minus the
execution ones), with metrics as ``MeanMetricWrapper`` dicts nested per output, optimizer class
names such as ``"Custom>Adam"`` and optimizer config keys that Keras 3 dropped.
"""

from __future__ import annotations

import warnings
from typing import Any

_DROPPED_OPTIMIZER_KEYS = ("jit_compile", "is_legacy_optimizer")
_METRIC_STRINGS = ("accuracy", "acc", "crossentropy", "ce")


def training_config(model: Any) -> dict | None:
    """The ``training_config`` of a compiled model (None when it is not compiled)."""
    compile_config = getattr(model, "_compile_config", None)
    if not getattr(model, "compiled", False) or compile_config is None or model.optimizer is None:
        return None
    config = {key: _serialize_nested(value) for key, value in compile_config.items() if key != "optimizer"}
    if config.get("jit_compile") == "auto":
        config["jit_compile"] = True  # what "auto" resolves to on JAX, as Keras records it
    optimizer = model.optimizer
    config["optimizer_config"] = {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}
    return config


def _serialize_nested(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {k: _serialize_nested(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_serialize_nested(v) for v in value]
    from strata import losses, metrics

    is_metric = type(value).__module__.startswith("strata.metrics")
    entry = metrics.serialize(value) if is_metric else losses.serialize(value)
    if isinstance(entry, dict):
        entry = {"class_name": entry["class_name"], "config": entry["config"]}
    return entry


def compile_args(config: dict, model: Any, custom_objects: dict | None = None) -> dict:
    """``compile()`` keyword arguments from a file's ``training_config``."""
    from strata import optimizers

    optimizer_config = config.get("optimizer_config")
    optimizer = None
    if optimizer_config is not None:
        optimizer = optimizers.deserialize(_optimizer_config(optimizer_config), custom_objects=custom_objects)
    single_output = len(getattr(model, "outputs", []) or []) <= 1
    return {
        "optimizer": optimizer if optimizer is not None else "rmsprop",
        "loss": _losses(config.get("loss"), custom_objects),
        "loss_weights": config.get("loss_weights"),
        "metrics": _metrics(config.get("metrics"), single_output, custom_objects),
        "weighted_metrics": _metrics(config.get("weighted_metrics"), single_output, custom_objects),
    }


def _optimizer_config(entry: dict) -> dict:
    class_name = str(entry.get("class_name", ""))
    class_name = class_name.split(">")[-1]  # tf.keras 2.11+ writes "Custom>Adam"
    config = dict(entry.get("config") or {})
    for key in _DROPPED_OPTIMIZER_KEYS:
        config.pop(key, None)
    if "lr" in config:
        config.setdefault("learning_rate", config.pop("lr"))
    decay = config.pop("decay", 0.0)
    if decay:
        warnings.warn(
            f"The saved optimizer used `decay={decay}`, which Keras 3 optimizers do not have; it is "
            "ignored. Use a `LearningRateSchedule` for a decaying rate.",
            UserWarning,
            stacklevel=3,
        )
    return {"class_name": class_name, "config": config}


def _losses(config: Any, custom_objects: dict | None) -> Any:
    from strata import losses

    if config is None or isinstance(config, str):
        return config
    if isinstance(config, dict) and "class_name" in config:
        inner = dict(config.get("config") or {})
        if inner.get("reduction") == "auto":  # tf.keras 2.x's default reduction
            inner["reduction"] = "sum_over_batch_size"
        return losses.deserialize({**config, "config": inner}, custom_objects=custom_objects)
    if isinstance(config, dict):
        return {key: _losses(value, custom_objects) for key, value in config.items()}
    return [_losses(value, custom_objects) for value in config]


def _metrics(config: Any, single_output: bool, custom_objects: dict | None) -> Any:
    if config is None:
        return None
    if isinstance(config, list) and single_output and len(config) == 1 and isinstance(config[0], list):
        config = config[0]  # tf.keras 2.x nests metrics per output
    return _metric_structure(config, custom_objects)


def _metric_structure(config: Any, custom_objects: dict | None) -> Any:
    from strata import metrics

    if isinstance(config, str):
        return config
    if isinstance(config, dict) and "class_name" in config:
        inner = config.get("config") or {}
        if config["class_name"] == "MeanMetricWrapper" and isinstance(inner.get("fn"), str):
            name = inner.get("name")
            # Keep the user's string (the History key) when it names a metric; else use the function.
            return name if name in _METRIC_STRINGS or _known_metric(name) else inner["fn"]
        return metrics.deserialize(config, custom_objects=custom_objects)
    if isinstance(config, dict):
        return {key: _metric_structure(value, custom_objects) for key, value in config.items()}
    return [_metric_structure(value, custom_objects) for value in config]


def _known_metric(name: Any) -> bool:
    from strata import metrics

    try:
        metrics.get(name)
    except (ValueError, TypeError):
        return False
    return True


def optimizer_values(optimizer: Any, names: list[str], values: list[Any]) -> list[Any] | None:
    """Saved optimizer values in the order of ``optimizer.variables``, or None if they do not fit.

    Files from Keras 3 (and strata) hold exactly ``optimizer.variables``.  tf.keras 2.11+ files
    hold the iteration count and the slots in the same order but no ``learning_rate`` variable;
    the optimizer's current rate (read from the saved config) fills that place.
    """
    variables = optimizer.variables
    if len(values) == len(variables):
        return list(values)
    names_ok = names and names[0].split("/")[-1].startswith("iteration")
    has_rate = len(variables) > 1 and variables[1].name == "learning_rate"
    if names_ok and has_rate and len(values) == len(variables) - 1:
        return [values[0], variables[1].numpy()] + list(values[1:])
    return None
