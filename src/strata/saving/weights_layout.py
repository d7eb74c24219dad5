"""Where each layer's and the optimizer's variables live in a Keras 3 weights file (KERAS_NOTES §7.2).

The walk mirrors Keras's: an object's own variables go to ``<path>/vars`` (the model's to
``/vars``); then its children are visited —

* Sequential and functional models first visit ``layers`` (a container);
* then every attribute, public names alphabetically, private (``_x``) names after them, that holds
  a layer, the optimizer, or a list/tuple/dict of layers;
* a subclassed model also has its ``layers`` list among those attributes.

Inside a container, entries are keyed by their snake-cased class name made unique by position
(``dense``, ``dense_1``, ...), never by ``layer.name``.  An object reached twice is saved once, at
the first path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strata.core.naming import to_snake_case

_ENGINE_ATTRIBUTES = frozenset({"_stack", "_functional", "_layers", "_inbound_nodes", "_outbound_nodes",
                                "_nodes", "_inputs_struct", "_outputs_struct", "inputs", "outputs",
                                "_compile_loss", "_compile_metrics", "history", "_pending_state"})
_skip_cache: set[str] = set()


def _skipped() -> set[str]:
    """Attributes every strata layer has (engine bookkeeping, never saved as children)."""
    if not _skip_cache:
        from strata.layers.layer import Layer

        _skip_cache.update(vars(Layer(name="probe")))
        _skip_cache.update(_ENGINE_ATTRIBUTES)
    return _skip_cache


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _is_model(obj: Any) -> bool:
    return hasattr(obj, "compiled") and hasattr(obj, "_sync_training_state")


def _user_properties(obj: Any) -> list[str]:
    """Properties defined by user classes (outside strata), which Keras's ``dir()`` walk also visits."""
    names = []
    for cls in type(obj).__mro__:
        if cls.__module__.startswith(("strata.", "builtins")):
            continue
        names.extend(k for k, v in vars(cls).items() if isinstance(v, property))
    return names


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    from strata.layers.layer import Layer
    from strata.models import Functional, Sequential

    if isinstance(obj, (Sequential, Functional)):
        yield "layers", obj.layers
    if getattr(obj, "inner_optimizer", None) is not None:  # LossScaleOptimizer: Keras saves its inner one too
        yield "inner_optimizer", obj.inner_optimizer
    if not isinstance(obj, Layer):
        return
    skipped = _skipped()
    names = {k for k in vars(obj) if k not in skipped and not k.startswith("__")}
    names.update(_user_properties(obj))
    if _is_model(obj):
        names.update({"layers", "optimizer"})
    for name in sorted(names, key=_name_key):
        try:
            value = getattr(obj, name)
        except Exception:  # a user property that fails is not a child (Keras skips it too)
            continue
        yield name, value


def _is_saveable(obj: Any) -> bool:
    from strata.layers.layer import Layer
    from strata.optimizers import Optimizer

    return isinstance(obj, (Layer, Optimizer))


def own_variables(obj: Any) -> list[Any]:
    """The variables stored under ``<path>/vars``, in Keras's order."""
    from strata.optimizers import Optimizer

    if isinstance(obj, Optimizer):
        return list(obj.variables)
    return list(obj._trainable_variables) + list(obj._non_trainable_variables)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _container(items: Any, path: str, seen: set[int], seen_containers: set[int]) -> Iterator[tuple[str, Any]]:
    if id(items) in seen_containers:
        return
    seen_containers.add(id(items))
    values = list(items.values()) if isinstance(items, dict) else list(items)
    used: dict[str, int] = {}
    for item in values:
        if _is_saveable(item):
            yield from _walk(item, _join(path, _unique(to_snake_case(type(item).__name__), used)), seen, seen_containers)
        elif isinstance(item, (list, tuple, dict)):
            yield from _container(item, _join(path, _unique("container", used)), seen, seen_containers)


def _unique(base: str, used: dict[str, int]) -> str:
    count = used.get(base, 0)
    used[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def _walk(obj: Any, path: str, seen: set[int], seen_containers: set[int]) -> Iterator[tuple[str, Any]]:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    yield path, obj
    for name, child in _children(obj):
        if _is_saveable(child):
            yield from _walk(child, _join(path, name), seen, seen_containers)
        elif isinstance(child, (list, tuple, dict)):
            yield from _container(child, _join(path, name), seen, seen_containers)


def saveables(model: Any, include_optimizer: bool = True) -> list[tuple[str, Any]]:
    """``(path, object)`` for the model, every layer and the optimizer, in Keras's visiting order.

    ``path`` is ``""`` for the model itself; the variables of an object live in ``<path>/vars``.
    """
    from strata.optimizers import Optimizer

    found = list(_walk(model, "", set(), set()))
    if not include_optimizer:
        found = [(p, o) for p, o in found if not isinstance(o, Optimizer)]
    return found


def vars_path(path: str) -> str:
    """The H5 group holding the variables of the object at ``path``."""
    return _join(path, "vars")
