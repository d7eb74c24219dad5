"""``get``, ``serialize`` and ``deserialize`` for optimizers, with Keras's names and dict shapes."""

from __future__ import annotations

from typing import Any

from strata.optimizers.adagrad import Adagrad
from strata.optimizers.adam import Adam
from strata.optimizers.adamax import Adamax
from strata.optimizers.adamw import AdamW
from strata.optimizers.nadam import Nadam
from strata.optimizers.optimizer import Optimizer
from strata.optimizers.rmsprop import RMSprop
from strata.optimizers.sgd import SGD

# Keras looks built-in optimizers up by lower-cased class name.
_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, Nadam)
}


def _with_loss_scale_optimizer() -> None:
    """Register ``LossScaleOptimizer`` (issue 16 §3; imported late: it serializes its inner optimizer)."""
    from strata.optimizers.loss_scale_optimizer import LossScaleOptimizer

    _OPTIMIZERS["lossscaleoptimizer"] = LossScaleOptimizer


_with_loss_scale_optimizer()


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """Return ``{"module": "keras.optimizers", "class_name", "config", "registered_name": None}``."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "`optimizer` must be an Optimizer instance. "
            f"Received: optimizer={optimizer!r} of type {type(optimizer).__name__}"
        )
    cls = type(optimizer)
    builtin = _OPTIMIZERS.get(cls.__name__.lower()) is cls
    return {
        "module": "keras.optimizers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": optimizer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
    """Rebuild an optimizer from :func:`serialize`'s dict or the legacy ``{"class_name", "config"}``.

    Built-in class names match case-insensitively (``"adam"``, ``"Adam"``, ``"RMSprop"``).
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`config` must be a dict with a 'class_name' key, as written by `serialize`. "
            f"Received: config={config!r}"
        )
    name = config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or (_OPTIMIZERS.get(name.lower()) if isinstance(name, str) else None)
    if cls is None:
        raise ValueError(
            f"Could not interpret optimizer identifier: '{name}'. Valid names are "
            f"{sorted(_OPTIMIZERS)} (case-insensitive); pass other classes through `custom_objects`."
        )
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier: Any) -> Optimizer | None:
    """Return an optimizer from an instance (unchanged), a name such as ``"adam"``, or a config dict."""
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(
        "Could not interpret optimizer identifier: expected an Optimizer, a name such as 'adam', or "
        f"a config dict. Received: identifier={identifier!r}"
    )
