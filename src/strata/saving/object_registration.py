"""Registration of user classes and functions, custom-object scopes and the safe-mode switch.

A saved file names classes by ``registered_name`` (``"Custom>MyLayer"`` for a registered class).
Loading finds them here or in the ``custom_objects`` the caller passes; nothing is ever imported
from a module named in a file, so a file cannot make strata run code it does not already have.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
from collections.abc import Callable, Iterator
from typing import Any

#: ``"package>name"`` -> class or function, filled by :func:`register_keras_serializable`.
GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
#: class or function -> ``"package>name"``.
GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}

_scope_objects: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar(
    "strata_custom_objects", default={})
_safe_mode: contextvars.ContextVar[bool | None] = contextvars.ContextVar("strata_safe_mode", default=None)


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Register a class or function so saved files can name it (``"package>name"``).

    Args:
        package: the first part of the registered name.
        name: the second part; defaults to the object's ``__name__``.

    Returns:
        A decorator that registers its argument and returns it unchanged.

    Example:
        >>> @register_keras_serializable(package="Demo")
        ... class Scale(strata.layers.Layer):
        ...     pass
        >>> get_registered_name(Scale)
        'Demo>Scale'
    """
    if not isinstance(package, str) or not package:
        raise ValueError(f"`package` must be a non-empty string. Received: package={package!r}")

    def decorator(obj: Any) -> Any:
        registered = f"{package}>{name if name is not None else obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                "Cannot register a class that does not have a get_config() method. "
                f"Received: {obj.__name__}"
            )
        GLOBAL_CUSTOM_OBJECTS[registered] = obj
        GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


#: strata's short name for :func:`register_keras_serializable`.
register_serializable = register_keras_serializable


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` is saved under: its registered name, else its ``__name__``."""
    return GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name: str, custom_objects: dict[str, Any] | None = None,
                          module_objects: dict[str, Any] | None = None) -> Any:
    """The class or function saved as ``name``, or ``None``.

    Looks in the active :func:`custom_object_scope`, then the registered objects, then
    ``custom_objects``, then ``module_objects`` (Keras's order).
    """
    scoped = _scope_objects.get()
    for table in (scoped, GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


def all_custom_objects(custom_objects: dict[str, Any] | None = None) -> dict[str, Any]:
    """``custom_objects`` merged with the scoped and the registered objects (by registered name)."""
    merged = dict(custom_objects or {})
    merged.update(_scope_objects.get())
    merged.update(GLOBAL_CUSTOM_OBJECTS)
    return merged


class CustomObjectScope:
    """Within ``with CustomObjectScope({"Name": obj}):``, loading resolves those names too."""

    def __init__(self, custom_objects: dict[str, Any] | None = None) -> None:
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(
                f"`custom_objects` must be a dict of names to classes or functions. "
                f"Received: custom_objects={custom_objects!r}"
            )
        self.custom_objects = dict(custom_objects or {})
        self._token: Any = None

    def __enter__(self) -> "CustomObjectScope":
        self._token = _scope_objects.set({**_scope_objects.get(), **self.custom_objects})
        return self

    def __exit__(self, *exc: Any) -> None:
        _scope_objects.reset(self._token)


custom_object_scope = CustomObjectScope


def in_safe_mode() -> bool | None:
    """The safe mode of the load in progress (``None`` outside any load)."""
    return _safe_mode.get()


@contextlib.contextmanager
def safe_mode_scope(safe_mode: bool) -> Iterator[None]:
    """Make ``safe_mode`` visible to every ``from_config`` called inside the block."""
    token = _safe_mode.set(bool(safe_mode))
    try:
        yield
    finally:
        _safe_mode.reset(token)
