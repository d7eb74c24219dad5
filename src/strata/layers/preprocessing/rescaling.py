"""``Rescaling``: ``inputs * scale + offset`` (e.g. pixel values from [0, 255] to [0, 1])."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata import config as strata_config
from strata.layers.layer import Layer


def _serialize_value(value: Any) -> Any:
    """A scale/offset as Keras writes it: numbers and lists as-is, NumPy arrays as ``__numpy__``."""
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _deserialize_value(value: Any) -> Any:
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        return np.array(value["config"]["value"], dtype=value["config"].get("dtype"))
    return value


class Rescaling(Layer):
    """Multiplies the inputs by ``scale`` and adds ``offset`` (``keras.layers.Rescaling``).

    Args:
        scale: a number, or one value per channel (broadcast against the channel axis).
        offset: a number, or one value per channel.

    Integer inputs are cast to the layer's float dtype first.

    Example:
        >>> import numpy as np
        >>> np.asarray(Rescaling(1 / 255)(np.array([[0.0, 255.0]]))).tolist()
        [[0.0, 1.0]]
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, value in (("scale", scale), ("offset", offset)):
            try:
                np.asarray(value, dtype="float64")
            except (TypeError, ValueError) as error:
                raise TypeError(
                    f"`{name}` must be a number or a list of numbers. Received: {name}={value!r}"
                ) from error
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def _aligned(self, value: Any, ndim: int) -> Any:
        """``value`` as an array whose rank matches the inputs (explicit broadcasting)."""
        array = jnp.asarray(np.asarray(value), dtype=self.compute_dtype)
        if array.ndim == 0:
            return array
        if strata_config.image_data_format() == "channels_first":
            array = jnp.reshape(array, array.shape + (1,) * (3 - array.ndim))
        if array.ndim > ndim:
            raise ValueError(
                f"Rescaling layer '{self.name}' has a `scale`/`offset` of rank {array.ndim}, more than "
                f"the rank {ndim} of its inputs. Received: scale={self.scale!r}, offset={self.offset!r}"
            )
        return jnp.reshape(array, (1,) * (ndim - array.ndim) + array.shape)

    def call(self, inputs: Any) -> Any:
        inputs = jnp.asarray(inputs).astype(self.compute_dtype)
        return inputs * self._aligned(self.scale, inputs.ndim) + self._aligned(self.offset, inputs.ndim)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": _serialize_value(self.scale), "offset": _serialize_value(self.offset)})
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Rescaling":
        config = dict(config)
        config["scale"] = _deserialize_value(config["scale"])
        config["offset"] = _deserialize_value(config["offset"])
        return cls(**config)
