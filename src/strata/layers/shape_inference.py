"""Shape inference for symbolic layer calls: trace ``call`` on abstract values, compute nothing."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from strata.core.keras_tensor import KerasTensor
from strata.core.scope import StatelessScope


def shape_of(x: Any) -> Any:
    """The shape of an array or KerasTensor, or the same structure of shapes for lists and dicts."""
    if isinstance(x, (KerasTensor, jax.Array, np.ndarray)) or hasattr(x, "shape"):
        return tuple(x.shape)
    if isinstance(x, (list, tuple)):
        return type(x)(shape_of(v) for v in x)
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    return None


def infer_output_spec(layer: Layer, args: tuple, kwargs: dict) -> Any:
    """Trace ``layer.call`` with abstract values to get output KerasTensors.

    Unknown (``None``) dimensions become one symbolic dimension, so the result keeps them unknown.
    """
    from jax import export

    symbol = export.symbolic_shape("b")[0]

    def to_struct(x: Any) -> Any:
        if isinstance(x, KerasTensor):
            shape = tuple(symbol if d is None else d for d in x.shape)
            return jax.ShapeDtypeStruct(shape, x.dtype)
        return x

    from strata.layers.layer import collect_losses

    def run(*abstract_args: Any) -> Any:
        with StatelessScope(), collect_losses():
            return layer.call(*abstract_args, **kwargs)

    is_kt = lambda x: isinstance(x, KerasTensor)  # noqa: E731
    structs = [jax.tree_util.tree_map(to_struct, a, is_leaf=is_kt) for a in args]
    out = jax.eval_shape(run, *structs)
    return jax.tree_util.tree_map(
        lambda s: KerasTensor(tuple(d if isinstance(d, int) else None for d in s.shape), dtype=str(s.dtype)), out)
