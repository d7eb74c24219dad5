"""Weight constraints (``keras.constraints``): ``MaxNorm``, ``MinMaxNorm``, ``NonNeg``, ``UnitNorm``.

A constraint maps a weight array to its projection; training applies it after each optimizer
update.  The norms are taken along ``axis`` (0 for a ``Dense`` kernel ``(in, out)``: one norm per
output unit; ``[0, 1, 2]`` for a ``Conv2D`` kernel), with ``config.epsilon()`` guarding divisions.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata import config
from strata.ops._convert import as_array, as_axis


def _norms(w: jax.Array, axis: Any) -> jax.Array:
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=as_axis(axis), keepdims=True))


def _as_float(w: Any) -> jax.Array:
    w = jnp.asarray(as_array(w))
    return w if jnp.issubdtype(w.dtype, jnp.inexact) else w.astype(config.floatx())


class Constraint:
    """Base class: ``constraint(w)`` returns the projected weights (unchanged by default)."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Constraint":
        """Rebuild a constraint from :meth:`get_config`'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class MaxNorm(Constraint):
    """Rescale weight vectors whose norm along ``axis`` exceeds ``max_value``.

    ``w * clip(norm, 0, max_value) / (epsilon + norm)``.
    """

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> jax.Array:
        w = _as_float(w)
        norms = _norms(w, self.axis)
        desired = jnp.clip(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move weight-vector norms towards ``[min_value, max_value]`` at the given ``rate``.

    The target norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> jax.Array:
        w = _as_float(w)
        norms = _norms(w, self.axis)
        desired = self.rate * jnp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (config.epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Replace negative weights with 0."""

    def __call__(self, w: Any) -> jax.Array:
        w = jnp.asarray(as_array(w))
        return jnp.maximum(w, jnp.zeros((), w.dtype))


class UnitNorm(Constraint):
    """Divide weight vectors by their norm along ``axis``: ``w / (epsilon + norm)``."""

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> jax.Array:
        w = _as_float(w)
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}
