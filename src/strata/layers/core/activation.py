"""``Activation``: apply an activation function as a layer."""

from __future__ import annotations

from typing import Any

from strata import activations
from strata.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` element-wise (``keras.layers.Activation``).

    Args:
        activation: an activation name (``"relu"``) or function.
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
