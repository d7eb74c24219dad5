"""``KerasTensor``: the symbolic placeholder that flows through a model definition.

``Input`` returns one; calling a layer on KerasTensors infers the output shapes and records a
:class:`~strata.core.node.Node`, so a model can later be run as a program over real arrays.
"""

from __future__ import annotations

from typing import Any

from strata.core import naming


class KerasTensor:
    """A shape (``None`` for unknown dimensions) and dtype, plus the layer call that produced it."""

    def __init__(self, shape: Any, dtype: str = "float32", name: str | None = None,
                 sparse: bool = False, ragged: bool = False) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name or naming.auto_name("keras_tensor")
        self.sparse = sparse
        self.ragged = ragged
        self._keras_history: tuple[Any, int, int] | None = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
                f"ragged={self.ragged}, name={self.name}>")

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "A symbolic KerasTensor cannot be converted to a NumPy array. KerasTensors only describe "
            "shapes while a model is defined; pass real arrays to `model(x)` or `model.predict(x)` "
            f"to get values. Received: {self!r}"
        )

    def __bool__(self) -> bool:
        raise TypeError("A symbolic KerasTensor has no truth value while a model is being defined.")

    def __hash__(self) -> int:
        return id(self)


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic :class:`KerasTensor`."""
    return isinstance(x, KerasTensor)
