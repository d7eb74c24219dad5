"""``HostLayer``: the base of preprocessing layers that run on the host, in NumPy, never in JAX.

Strings cannot enter a JAX program, so ``TextVectorization``, the lookups and ``Hashing`` compute
with NumPy and Python on the host and return NumPy arrays.  A model whose first layers are
host-side runs them on the inputs before its compiled step (``host_side = True`` marks them).

On symbolic inputs (``Input(shape=(1,), dtype="string")``) the layer only reports the output
shape and dtype through ``compute_output_spec``; nothing is traced.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from strata.core import host_side
from strata.core.keras_tensor import KerasTensor
from strata.core.node import flatten_keras_tensors
from strata.layers.layer import Layer


def as_text_array(inputs: Any, encoding: str = "utf-8") -> np.ndarray:
    """``inputs`` (a string, nested lists, a NumPy ``str``/``bytes``/object array) as an object
    array of Python ``str``."""
    array = np.asarray(inputs, dtype=object) if not isinstance(inputs, np.ndarray) else inputs
    if array.dtype.kind in "US":
        array = array.astype(object)
    flat = [v.decode(encoding) if isinstance(v, bytes) else v for v in array.reshape(-1)]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(array.shape)


class HostLayer(Layer):
    """A layer computed on the host with NumPy (see the module docstring)."""

    host_side = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if flatten_keras_tensors((args, kwargs)) or host_side.host_stage_active():
            return super().__call__(*args, **kwargs)  # symbolic, or already applied by the host stage
        kwargs.pop("training", None)
        leaves = jax.tree_util.tree_leaves(args)
        if any(isinstance(leaf, jax.core.Tracer) for leaf in leaves):
            raise TypeError(
                f"{type(self).__name__} layer '{self.name}' runs on the host (NumPy) and cannot be "
                "traced by JAX (inside jit, grad or a compiled step). Apply it to the data before "
                "the compiled model, e.g. `x = layer(x)` then `model.fit(x, ...)`."
            )
        if not args:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' needs an input to call.")
        self.built = True
        return self.call(*args, **kwargs)

    def compute_output_dtype(self) -> str:
        """The dtype of the output (override in subclasses)."""
        return self.compute_dtype

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        shape = self.compute_output_shape(tuple(inputs.shape))
        return KerasTensor(shape, dtype=self.compute_output_dtype())
