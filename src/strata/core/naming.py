"""Keras auto-naming: snake-cased class names made unique per session, and name scopes.

One counter per prefix is shared by layers, models and optimizers (``dense``, ``dense_1``, ...).
``clear_session`` resets the counters.  Name scopes give variables their ``path``
(``"sequential/dense/kernel"``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

_counters: dict[str, int] = {}
_scope_stack: list[tuple[str, object]] = []


def to_snake_case(name: str) -> str:
    """Convert a class name to Keras's snake case (``MaxPooling2D`` -> ``max_pooling2d``)."""
    intermediate = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)  # Keras's regex: ConvLSTM2D -> conv_lstm2d
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def auto_name(prefix: str) -> str:
    """Return ``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ... in this session."""
    count = _counters.get(prefix, 0)
    _counters[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_names() -> None:
    """Forget every auto-name counter (part of ``clear_session``)."""
    _counters.clear()


@contextlib.contextmanager
def name_scope(name: str, owner: object = None) -> Iterator[None]:
    """Push ``name`` on the scope stack, so variable paths include it.

    A scope opened again by the ``owner`` already on top of the stack is not pushed twice (a
    layer's ``add_weight`` called from inside its own ``build``).
    """
    if owner is not None and _scope_stack and _scope_stack[-1][1] is owner:
        yield
        return
    _scope_stack.append((name, owner))
    try:
        yield
    finally:
        _scope_stack.pop()


def current_path() -> str:
    """The current name-scope path, ``"outer/inner"`` or ``""``."""
    return "/".join(name for name, _ in _scope_stack)
