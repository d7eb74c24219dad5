"""``GlobalAveragePooling1D``: the mean over all steps of temporal data, optionally masked."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling over steps (``keras.layers.GlobalAveragePooling1D``, alias ``GlobalAvgPool1D``).

    Args:
        data_format: ``"channels_last"`` (``(batch, steps, features)``) or ``"channels_first"``
            (``(batch, features, steps)``); default: the global ``image_data_format()``.
        keepdims: keep the steps axis with length 1 instead of returning ``(batch, features)``.

    Call arguments:
        inputs: a 3D tensor.
        mask: optional ``(batch, steps)`` booleans; ``False`` steps are left out of the mean.
            A sample with every step masked gives ``nan``, as in Keras.

    Example:
        >>> import numpy as np
        >>> x = np.array([[[1.0], [3.0], [100.0]]], "float32")
        >>> GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]])).tolist()
        [[2.0]]
    """

    _rank = 1
    _mode = "average"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: jax.Array, mask: Any = None) -> jax.Array:
        if mask is None:
            return super().call(inputs)
        (steps_axis,) = self._axes(inputs.shape)
        mask = jnp.asarray(mask)
        if mask.shape != (inputs.shape[0], inputs.shape[steps_axis]):
            raise ValueError(
                f"GlobalAveragePooling1D layer '{self.name}' expects a mask of shape (batch, steps) = "
                f"{(inputs.shape[0], inputs.shape[steps_axis])}. Received: mask.shape={mask.shape}, "
                f"inputs.shape={tuple(inputs.shape)}"
            )
        mask = jnp.expand_dims(mask.astype(bool), 2 if self.data_format == "channels_last" else 1)
        mask = jnp.broadcast_to(mask, inputs.shape)
        kept = jnp.where(mask, inputs, jnp.zeros((), inputs.dtype))
        total = jnp.sum(kept, axis=steps_axis, keepdims=self.keepdims)
        count = jnp.sum(mask.astype(inputs.dtype), axis=steps_axis, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None


GlobalAvgPool1D = GlobalAveragePooling1D
