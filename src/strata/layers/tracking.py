"""Tracked containers: lists and dicts on a layer that keep tracking layers and variables added later.

When a layer attribute is set to a plain list or dict that is empty (layers may be added later)
or holds a ``Layer`` or ``Variable`` at some depth, the layer stores a :class:`TrackedList` /
:class:`TrackedDict` in its place.  These behave exactly like ``list`` / ``dict`` but tell their
owner about every item that enters (``append``, ``insert``, ``extend``, ``+=``, item assignment,
``update``, ``setdefault``, ``|=``) and leaves (``remove``, ``pop``, ``clear``, ``del``), so::

    self.blocks = []
    self.blocks.append(Dense(2))   # tracked: its weights are trained and saved

works as in Keras.  Tuples are immutable, so their items are tracked once, on assignment; nested
lists and dicts are wrapped too.  Tracking order is the order items enter, which fixes the order
of ``layer.weights`` (Keras's order).  Containers of plain data (arrays, numbers, strings) are
stored unchanged, so engine state kept on a model never turns into a different pytree type.

The containers copy and pickle as plain ``list`` / ``dict`` (a copy does not drag its owner along)
and are JAX pytree nodes (flattened like ``list`` / ``dict``, unflattened as the plain types).
"""

from __future__ import annotations

from typing import Any, Iterable

import jax

from strata.core.variable import Variable

# Engine lists a Layer keeps for itself: never wrapped, never searched for user references.
BOOKKEEPING = frozenset({"_layers", "_trainable_variables", "_non_trainable_variables", "_losses",
                         "_inbound_nodes", "_outbound_nodes"})


class TrackedList(list):
    """A ``list`` that reports items entering and leaving it to its owning layer."""

    __slots__ = ("_owner",)

    def __init__(self, values: Iterable = (), owner: Any = None) -> None:
        self._owner = owner
        super().__init__(self._adopt(v) for v in values)

    def _adopt(self, value: Any) -> Any:
        owner = getattr(self, "_owner", None)
        return value if owner is None else owner._track(value)

    def _release(self, value: Any) -> None:
        owner = getattr(self, "_owner", None)
        if owner is not None:
            owner._untrack(value)

    def append(self, value: Any) -> None:
        super().append(self._adopt(value))

    def insert(self, index: Any, value: Any) -> None:
        super().insert(index, self._adopt(value))

    def extend(self, values: Iterable) -> None:
        super().extend([self._adopt(v) for v in values])

    def __iadd__(self, values: Iterable) -> "TrackedList":
        self.extend(values)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            value = [self._adopt(v) for v in value]
        else:
            value = self._adopt(value)
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        removed = self[index]
        super().__delitem__(index)
        for value in (removed if isinstance(index, slice) else [removed]):
            self._release(value)

    def remove(self, value: Any) -> None:
        for i, item in enumerate(self):
            if item is value:
                break
        else:
            i = self.index(value)
        del self[i]

    def pop(self, index: Any = -1) -> Any:
        value = super().pop(index)
        self._release(value)
        return value

    def clear(self) -> None:
        removed = list(self)
        super().clear()
        for value in removed:
            self._release(value)

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return list, (list(self),)


class TrackedDict(dict):
    """A ``dict`` that reports values entering and leaving it to its owning layer."""

    __slots__ = ("_owner",)

    def __init__(self, values: Any = (), owner: Any = None) -> None:
        self._owner = owner
        items = values.items() if hasattr(values, "items") else values
        super().__init__((k, self._adopt(v)) for k, v in items)

    _adopt = TrackedList._adopt
    _release = TrackedList._release

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, self._adopt(value))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> "TrackedDict":
        self.update(other)
        return self

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def __delitem__(self, key: Any) -> None:
        value = self[key]
        super().__delitem__(key)
        self._release(value)

    _MISSING = object()

    def pop(self, key: Any, default: Any = _MISSING) -> Any:
        if key not in self:
            if default is TrackedDict._MISSING:
                raise KeyError(key)
            return default
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple:
        key, value = super().popitem()
        self._release(value)
        return key, value

    def clear(self) -> None:
        removed = list(self.values())
        super().clear()
        for value in removed:
            self._release(value)

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return dict, (dict(self),)


def may_hold_layers(value: Any) -> bool:
    """Whether a list/dict is empty (layers may be added later) or holds a layer or variable."""
    return not value or _holds_layers(value)


def _holds_layers(value: Any) -> bool:
    from strata.layers.layer import Layer

    for item in (value.values() if isinstance(value, dict) else value):
        if isinstance(item, (Layer, Variable)):
            return True
        if isinstance(item, (list, tuple, dict)) and _holds_layers(item):
            return True
    return False


def track(owner: Any, value: Any) -> Any:
    """Record ``value`` on layer ``owner`` if it is (or holds) a layer or variable.

    Layers go to ``owner._layers`` and variables to its trainable/non-trainable stores, each once,
    in the order first seen.  Returns what the owner should store: a tracked container in place
    of a plain list/dict that may hold layers, a tuple with its items tracked, else ``value``.
    """
    from strata.layers.layer import Layer

    if isinstance(value, Layer):
        if all(value is not layer for layer in owner._layers):
            owner._layers.append(value)
    elif isinstance(value, Variable):
        if all(value is not v for v in owner._trainable_variables + owner._non_trainable_variables):
            (owner._trainable_variables if value.trainable else owner._non_trainable_variables).append(value)
    elif isinstance(value, (TrackedList, TrackedDict)) and value._owner is owner:
        for item in (value.values() if isinstance(value, dict) else value):
            track(owner, item)
    elif isinstance(value, tuple):
        items = [track(owner, item) for item in value]
        rebuildable = type(value) is tuple or hasattr(value, "_fields")
        if rebuildable and any(new is not old for new, old in zip(items, value)):
            value = type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    elif isinstance(value, (list, dict)):
        if type(value) in _WRAPPERS and may_hold_layers(value):
            return _WRAPPERS[type(value)](value, owner=owner)
        for item in (value.values() if isinstance(value, dict) else value):
            track(owner, item)
    return value


def untrack(owner: Any, value: Any) -> None:
    """Forget a layer or variable (or those a container holds) taken out of a tracked container.

    As in Keras, except that a value the owner still holds elsewhere (another attribute, another
    container) stays tracked, so its weights are not silently dropped.
    """
    from strata.layers.layer import Layer

    if isinstance(value, (list, tuple, dict)):
        for item in (value.values() if isinstance(value, dict) else value):
            untrack(owner, item)
        return
    if not isinstance(value, (Layer, Variable)):
        return
    if _holds([v for k, v in vars(owner).items() if k not in BOOKKEEPING], value, set()):
        return
    stores = [owner._layers] if isinstance(value, Layer) else [owner._trainable_variables,
                                                                owner._non_trainable_variables]
    for store in stores:
        store[:] = [item for item in store if item is not value]


def _holds(items: Any, value: Any, seen: set) -> bool:
    for item in items:
        if item is value:
            return True
        if isinstance(item, (list, tuple, dict)) and id(item) not in seen:
            seen.add(id(item))
            if _holds(item.values() if isinstance(item, dict) else item, value, seen):
                return True
    return False


_WRAPPERS = {list: TrackedList, TrackedList: TrackedList, dict: TrackedDict, TrackedDict: TrackedDict}


def _sorted_keys(d: dict) -> list:
    try:
        return sorted(d)
    except TypeError:
        return list(d)


jax.tree_util.register_pytree_node(TrackedList, lambda l: (list(l), None), lambda _, children: list(children))
jax.tree_util.register_pytree_node(
    TrackedDict,
    lambda d: ([d[k] for k in _sorted_keys(d)], tuple(_sorted_keys(d))),
    lambda keys, children: dict(zip(keys, children)),
)
