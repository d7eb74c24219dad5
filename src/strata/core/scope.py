"""The stateless scope: run stateful Keras-style code as a pure function of given arrays.

Inside ``StatelessScope(mapping)``, reading ``variable.value`` returns the mapped array and
``variable.assign(x)`` records ``x`` instead of mutating the variable.  The state bridge
(:mod:`strata.core.bridge`) uses it to turn layers, metrics and optimizers into pure functions that
``jax.jit`` can trace, so layers never need to know whether they are being traced.
"""

from __future__ import annotations

import contextvars
from typing import Any

_current: contextvars.ContextVar["StatelessScope | None"] = contextvars.ContextVar(
    "strata_stateless_scope", default=None
)


class StatelessScope:
    """Map variables to values for the duration of a ``with`` block and collect assignments.

    Args:
        mapping: pairs ``(variable, value)``; variables not listed read their stored value.
    """

    def __init__(self, mapping: Any = ()) -> None:
        self._values: dict[int, Any] = {}
        self._updates: dict[int, Any] = {}
        for variable, value in mapping:
            self._values[id(variable)] = value
        self._token: contextvars.Token | None = None

    def read(self, variable: Any) -> Any:
        key = id(variable)
        if key in self._updates:
            return self._updates[key]
        return self._values.get(key)

    def record(self, variable: Any, value: Any) -> None:
        self._updates[id(variable)] = value

    def current_value(self, variable: Any) -> Any:
        """The value ``variable`` has at the end of the scope (updated, mapped, or stored)."""
        value = self.read(variable)
        return variable._value if value is None else value

    def __enter__(self) -> "StatelessScope":
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _current.reset(self._token)


def current_scope() -> StatelessScope | None:
    """The innermost active :class:`StatelessScope`, or ``None``."""
    return _current.get()
