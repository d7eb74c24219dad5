"""``TimeDistributed``: apply one layer to every time slice of ``(batch, time, ...)`` inputs.

The time axis is folded into the batch axis, so the inner layer runs once on
``(batch * time, ...)`` and its output is unfolded again — the same numbers as one call per
slice, with the same weights shared across time.
"""

from __future__ import annotations

import inspect
from typing import Any

import jax.numpy as jnp

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer


class TimeDistributed(Layer):
    """Apply a layer to every temporal slice of an input (``keras.layers.TimeDistributed``).

    Args:
        layer: the layer to apply (its weights keep its own name, e.g. ``time_distributed/dense``).

    Example:
        >>> import numpy as np
        >>> from strata.layers import Dense
        >>> TimeDistributed(Dense(2))(np.zeros((3, 4, 5), "float32")).shape
        (3, 4, 2)
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance, e.g. "
                f"`TimeDistributed(Dense(8))`. Received: {layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _check(self, shape: tuple) -> None:
        if len(shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                f"received: {tuple(shape)}. Give the inputs a time axis: (samples, timesteps, ...)."
            )

    def build(self, input_shape: Any) -> None:
        self._check(tuple(input_shape))
        self.layer._maybe_build((input_shape[0],) + tuple(input_shape[2:]))

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        self._check(inputs.shape)
        batch, steps = inputs.shape[0], inputs.shape[1]
        if mask is not None and tuple(mask.shape[:2]) != (batch, steps):
            raise ValueError(
                "`TimeDistributed` Layer should be passed a `mask` of shape (batch_size, timesteps, ...), "
                f"received: mask.shape={tuple(mask.shape)}"
            )
        kwargs: dict = {}
        parameters = inspect.signature(self.layer.call).parameters
        if mask is not None and "mask" in parameters:
            kwargs["mask"] = jnp.reshape(mask, (batch * steps,) + tuple(mask.shape[2:]))
        if "training" in parameters:
            kwargs["training"] = training
        folded = jnp.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        outputs = self.layer(folded, **kwargs)
        return jnp.reshape(outputs, (batch, steps) + tuple(outputs.shape[1:]))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check(tuple(input_shape))
        inner_shape = (input_shape[0],) + tuple(input_shape[2:])
        try:
            inner = self.layer.compute_output_shape(inner_shape)
        except NotImplementedError:
            inner = self.layer.compute_output_spec(KerasTensor(inner_shape, dtype=self.compute_dtype)).shape
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask

    def get_config(self) -> dict:
        from strata.saving.serialization import serialize_layer

        config = super().get_config()
        config["layer"] = serialize_layer(self.layer)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "TimeDistributed":
        from strata.saving.serialization import deserialize_layer

        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
