"""``Flatten``: reshape each sample to one dimension (C order)."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from strata import config as strata_config
from strata.layers.layer import Layer


class Flatten(Layer):
    """Flattens the inputs to ``(batch, -1)`` (``keras.layers.Flatten``).

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``; with channels first,
            the channel axis is moved last before flattening, as Keras does.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or strata_config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                "`data_format` must be 'channels_last' or 'channels_first'. "
                f"Received: data_format={data_format!r}"
            )
        self.built = True

    def call(self, inputs: Any) -> Any:
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = jnp.moveaxis(inputs, 1, -1)
        return jnp.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(math.prod(rest))
        return (input_shape[0], size)

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
