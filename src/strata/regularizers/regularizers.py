"""Weight penalties (``keras.regularizers``): ``L1``, ``L2``, ``L1L2``, ``OrthogonalRegularizer``.

A regularizer is called on a weight array and returns a scalar ``jax.Array`` that training adds to
the loss.  Calls are pure, so they run inside the compiled training step.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata.ops._convert import as_array
from strata.ops.nn_ops import normalize


def _penalty_factor(value: Any, name: str) -> float:
    """A finite, non-negative float factor (Keras's check), or a ValueError naming ``name``."""
    valid = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not valid or math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(
            f"`{name}` must be a non-negative, finite float. Received: {name}={value!r}"
        )
    return float(value)


def _as_float(x: Any) -> jax.Array:
    x = jnp.asarray(as_array(x))
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype("float32")


class Regularizer:
    """Base class: ``regularizer(weights)`` returns a scalar penalty.

    Subclasses implement ``__call__`` and ``get_config``; ``from_config`` calls the constructor
    with the config's keys.
    """

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} does not implement `get_config()`.")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Regularizer":
        """Rebuild a regularizer from :meth:`get_config`'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``.

    Example:
        >>> float(L1L2(l1=0.5, l2=0.25)(jnp.array([1.0, -2.0])))
        2.75
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _penalty_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _penalty_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> jax.Array:
        x = _as_float(x)
        penalty = jnp.zeros((), x.dtype)
        if self.l1:
            penalty = penalty + jnp.asarray(self.l1, x.dtype) * jnp.sum(jnp.abs(x))
        if self.l2:
            penalty = penalty + jnp.asarray(self.l2, x.dtype) * jnp.sum(jnp.square(x))
        return penalty

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)``."""

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _penalty_factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, x: Any) -> jax.Array:
        x = _as_float(x)
        return jnp.asarray(self.l1, x.dtype) * jnp.sum(jnp.abs(x))

    def get_config(self) -> dict[str, Any]:
        # Keras stores L1's factor as a float32 tensor, so its config reads 0.009999999776482582 for
        # 0.01 (L2 and L1L2 keep the Python float); the same value keeps configs equal to Keras's.
        return {"l1": float(np.float32(self.l1))}


class L2(Regularizer):
    """``l2 * sum(x**2)`` (no factor 1/2, as in Keras)."""

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _penalty_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> jax.Array:
        x = _as_float(x)
        return jnp.asarray(self.l2, x.dtype) * jnp.sum(jnp.square(x))

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (or columns) of a 2-D weight matrix.

    The penalty is ``factor * 0.5 * sum(|P - diag(P)|) / (n * (n - 1) / 2)``, where ``P`` holds the
    dot products of the L2-normalised rows (``mode="rows"``) or columns (``mode="columns"``) and
    ``n`` is their number.

    Args:
        factor: the regularization factor.
        mode: ``"rows"`` or ``"columns"``.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _penalty_factor(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f"`mode` must be 'rows' or 'columns'. Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, x: Any) -> jax.Array:
        x = _as_float(x)
        if x.ndim != 2:
            raise ValueError(
                f"OrthogonalRegularizer needs a rank-2 weight matrix. Received: inputs.shape={x.shape}"
            )
        vectors = x if self.mode == "rows" else x.T
        unit = normalize(vectors, axis=1)
        products = unit @ unit.T
        count = unit.shape[0]
        off_diagonal = products * (1.0 - jnp.eye(count, dtype=x.dtype))
        pairs = count * (count - 1.0) / 2.0
        return jnp.asarray(self.factor * 0.5, x.dtype) * jnp.sum(jnp.abs(off_diagonal)) / pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}
