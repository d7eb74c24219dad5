"""``Identity``: returns its inputs unchanged (a placeholder layer)."""

from __future__ import annotations

from typing import Any

import jax

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer


class Identity(Layer):
    """The identity layer (``keras.layers.Identity``): ``Identity()(x)`` is ``x``.

    Works on any structure of tensors (a tensor, a list, a dict); useful as a no-op stand-in
    when a model is assembled from optional parts.

    Example:
        >>> Identity().compute_output_shape((None, 4))
        (None, 4)
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def compute_output_spec(self, inputs: Any) -> Any:
        return jax.tree_util.tree_map(lambda x: KerasTensor(x.shape, dtype=x.dtype), inputs,
                                      is_leaf=lambda x: isinstance(x, KerasTensor))
