"""``Variable``: a named, mutable array that layers, optimizers and metrics own.

A variable stores a ``jax.Array``.  Inside a :class:`~strata.core.scope.StatelessScope` its
``value`` comes from the scope's mapping and ``assign`` is recorded by the scope instead of
mutating the variable: this is how stateful objects run inside pure compiled functions.
"""

from __future__ import annotations

import contextvars
from typing import Any

import numpy as np

from strata import config
from strata.core import naming
from strata.core.scope import current_scope


def standardize_dtype(dtype: Any, default: str | None = None) -> str:
    """Return a dtype name (``"float32"``); ``None`` gives ``default`` or ``floatx()``."""
    if dtype is None:
        return default or config.floatx()
    name = getattr(dtype, "name", None) or str(np.dtype(dtype))
    return {"float64": "float64", "int64": "int64"}.get(name, name)


# -- autocast (mixed precision) -------------------------------------------------------------------
# While a layer whose compute dtype differs from its variable dtype runs, its float variables read
# as the compute dtype (Keras's AutocastScope); ``Layer.__call__`` sets this, ``None`` turns it off.
_autocast_dtype: contextvars.ContextVar[str | None] = contextvars.ContextVar("strata_autocast", default=None)
_FLOAT_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64"})


def autocast_dtype() -> str | None:
    """The dtype float variables are read as right now (``None``: as stored)."""
    return _autocast_dtype.get()


def set_autocast_dtype(dtype: str | None) -> contextvars.Token:
    """Read float variables as ``dtype`` until ``_autocast_dtype.reset(token)``; returns the token."""
    return _autocast_dtype.set(dtype)


def _infer_dtype(value: Any) -> str:
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        dtype = np.asarray(value).dtype
    name = np.dtype(dtype).name if not hasattr(dtype, "name") else dtype.name
    if name.startswith("float"):
        return config.floatx() if name == "float64" else name
    if name in ("int64", "uint64"):
        return "int32"
    return name


def _to_device(value: Any, dtype: str) -> Any:
    """An array on the device without compiling anything (NumPy converts, JAX only copies)."""
    import jax

    if isinstance(value, jax.Array) and not isinstance(value, jax.core.Tracer):
        if value.dtype == dtype:
            return value
        value = np.asarray(value)
    if isinstance(value, jax.core.Tracer):
        return value.astype(dtype)
    with jax.ensure_compile_time_eval():  # a concrete array even when created while tracing
        return jax.device_put(np.asarray(value, dtype=dtype))


class Variable:
    """A mutable array with a name, a path and a trainable flag (``keras.Variable``).

    Args:
        initializer: an array-like initial value, or a callable ``(shape, dtype) -> array``
            (an initializer object or its string name) used together with ``shape``.
        shape: the shape, required when ``initializer`` is callable.
        dtype: the dtype; default from the value, or ``floatx()`` for callables.
        trainable: whether gradients update it during training.
        name: the variable's name; its ``path`` adds the enclosing name scopes.

    Example:
        >>> v = Variable([1.0, 2.0])
        >>> v.assign([4.0, 6.0]).numpy()
        array([4., 6.], dtype=float32)
    """

    assignments = 0
    """How many ``assign`` calls changed a stored value in this process (a version number: ``fit``
    re-reads its state after a per-batch callback only when the callback assigned something)."""

    def __init__(
        self,
        initializer: Any,
        shape: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
        regularizer: Any = None,
        constraint: Any = None,
    ) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be a string. Received: name={name!r}")
        if isinstance(initializer, str):
            from strata import initializers

            initializer = initializers.get(initializer)
        if callable(initializer) and not hasattr(initializer, "__array__"):
            if shape is None:
                raise ValueError(
                    "When `initializer` is a callable, `shape` is required. "
                    f"Received: initializer={initializer!r}, shape=None"
                )
            dtype = standardize_dtype(dtype)
            value = initializer(tuple(int(d) for d in shape), dtype=dtype)
        else:
            dtype = standardize_dtype(dtype) if dtype is not None else _infer_dtype(initializer)
            value = initializer
            if shape is not None and tuple(np.shape(value)) != tuple(shape):
                raise ValueError(
                    f"Initial value shape {tuple(np.shape(value))} does not match `shape`={tuple(shape)}."
                )
        self._value = _to_device(value, dtype)
        self._dtype = dtype
        self.name = name or "variable"
        parent = naming.current_path()
        self.path = f"{parent}/{self.name}" if parent else self.name
        self.trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        self.regularizer = regularizer
        self.constraint = constraint

    # -- value -------------------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """The current array (the scope's mapped value inside a stateless scope)."""
        scope = current_scope()
        if scope is not None:
            mapped = scope.read(self)
            if mapped is not None:
                return self._maybe_autocast(mapped)
        return self._maybe_autocast(self._value)

    def _maybe_autocast(self, value: Any) -> Any:
        target = _autocast_dtype.get()
        if target is None or not self.autocast or target == self._dtype or self._dtype not in _FLOAT_DTYPES:
            return value
        return value.astype(target)

    def _convert(self, value: Any) -> Any:
        if isinstance(value, Variable):
            value = value.value
        value = _to_device(value, self._dtype)
        if value.shape != self._value.shape:
            raise ValueError(
                f"The shape of the value assigned to variable '{self.path}' must match its shape "
                f"{self._value.shape}. Received: value.shape={value.shape}"
            )
        return value

    def assign(self, value: Any) -> "Variable":
        """Replace the value (recorded by the scope when inside a stateless scope)."""
        value = self._convert(value)
        scope = current_scope()
        if scope is not None:
            scope.record(self, value)
        else:
            self._value = value
            Variable.assignments += 1
        return self

    def assign_add(self, value: Any) -> "Variable":
        """Add ``value`` to the variable."""
        return self.assign(self.value + self._convert(value))

    def assign_sub(self, value: Any) -> "Variable":
        """Subtract ``value`` from the variable."""
        return self.assign(self.value - self._convert(value))

    def numpy(self) -> np.ndarray:
        """The value as a NumPy array."""
        return np.asarray(self.value)

    # -- metadata ----------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._value.shape)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={np.asarray(self.value)}>"
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = np.asarray(self.value)
        return array.astype(dtype) if dtype is not None else array

    def __len__(self) -> int:
        return self.shape[0]

    def __bool__(self) -> bool:
        return bool(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __getitem__(self, index: Any) -> Any:
        return self.value[index]

    def __iter__(self):
        return iter(self.value)

    # -- arithmetic delegates to the array ----------------------------------------------------------
    def __neg__(self):
        return -self.value

    def __pos__(self):
        return self.value

    def __abs__(self):
        return abs(self.value)

    def __invert__(self):
        return ~self.value


def _binary(name: str):
    def method(self, other):
        other = other.value if isinstance(other, Variable) else other
        return getattr(self.value, name)(other)

    method.__name__ = name
    return method


for _op in (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __floordiv__ "
    "__rfloordiv__ __mod__ __rmod__ __pow__ __rpow__ __matmul__ __rmatmul__ __lt__ __le__ __gt__ "
    "__ge__ __and__ __rand__ __or__ __ror__ __xor__ __rxor__"
).split():
    setattr(Variable, _op, _binary(_op))
