"""What identifies a compiled program: the structure signatures that key the program caches.

Two models share compiled programs when their layer graph, layer configs, weight shapes and
trainable flags, compiled loss and metrics, and optimizer settings agree.  Where that cannot be
described (a subclassed model, a user's layer, loss or optimizer), the signature falls back to the
object's id: that object gets programs of its own, kept in memory but never on disk
(:func:`mentions_ids`).
"""

from __future__ import annotations

import json
import types
from typing import Any


def _layer_signature(layer: Any) -> Any:
    config = layer.get_config()
    config.pop("name", None)
    config.pop("seed", None)  # seeds are inputs of the compiled programs, not part of their structure
    return (type(layer).__module__, type(layer).__qualname__,
            json.dumps(config, sort_keys=True, default=str),
            tuple((v.shape, v.dtype, v.trainable) for v in layer.weights), layer.trainable)


def structure_signature(model: Any) -> Any:
    """A hashable description of everything a trace depends on, or the model's id if unsure.

    Models built only from strata's own layers (Sequential or functional) share programs;
    subclassed models and models with user-defined layers get programs of their own.
    """
    from strata.models.functional import Functional
    from strata.models.sequential import Sequential

    layers = model._flat_layers()
    if type(model) not in (Sequential, Functional) or any(
            not type(layer).__module__.startswith("strata.") for layer in layers):
        return ("model", id(model))
    index = {id(layer): i for i, layer in enumerate(layers)}
    edges = []
    graph = model._functional if isinstance(model, Sequential) else model
    if graph is not None:
        for node in graph._nodes:
            parents = tuple((index.get(id(t._keras_history[0])), t._keras_history[1], t._keras_history[2])
                            for t in node.input_tensors)
            edges.append((index.get(id(node.operation)), parents))
    return (type(model).__name__, tuple(_layer_signature(layer) for layer in layers), tuple(edges),
            tuple(tuple(t.shape) for t in model.inputs))


def _is_builtin(obj: Any) -> bool:
    """Whether ``obj`` (a class, function or instance) is defined by strata itself."""
    module = obj.__module__ if isinstance(obj, (type, types.FunctionType)) else type(obj).__module__
    return (module or "").startswith("strata.")


def optimizer_signature(optimizer: Any) -> Any:
    if not _is_builtin(optimizer):
        return ("user", id(optimizer))
    config = dict(optimizer.get_config())
    config.pop("name", None)
    if isinstance(config.get("learning_rate"), float):
        config.pop("learning_rate")
    return (type(optimizer).__qualname__, json.dumps(config, sort_keys=True, default=str))


def mentions_ids(key: Any) -> bool:
    """Whether a signature contains an object id (user code), which is meaningless in another process."""
    if isinstance(key, tuple):
        if len(key) == 2 and key[0] in ("user", "model") and isinstance(key[1], int):
            return True
        return any(mentions_ids(part) for part in key)
    return False


def compile_loss_signature(compile_loss: Any) -> Any:
    parts = []
    for obj in compile_loss.objects:
        if obj is None:
            parts.append(None)
            continue
        fn = getattr(obj, "fn", None)
        if not _is_builtin(obj) or (fn is not None and not _is_builtin(fn)):
            parts.append(("user", id(obj)))
            continue
        parts.append((type(obj).__qualname__, json.dumps(obj.get_config(), sort_keys=True, default=str),
                      getattr(fn, "__qualname__", None)))
    names = tuple(compile_loss.output_names) if compile_loss.multi_output else ()  # names only key logs
    return (tuple(parts), tuple(compile_loss.weights), names)


def programs_key(model: Any, compile_loss: Any, compile_metrics: Any, optimizer: Any) -> Any:
    """The key of a model's :class:`~strata.training.programs.Programs` (architecture + compile setup)."""
    trainable_ids = {id(v) for v in model._variable_split()[0]}
    return (structure_signature(model), tuple(id(v) in trainable_ids for v in model.weights),
            compile_loss_signature(compile_loss), compile_metrics.signature(), optimizer_signature(optimizer))
