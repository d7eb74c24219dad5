"""``Activation``: apply an activation function as a layer."""

from __future__ import annotations

from typing import Any

from strata.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` element-wise (``keras.layers.Activation``).

    Args:
        activation: an activation name (``"relu"``) or function.
    """

    _config_args = ("activation",)

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store_arguments(activation=activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)
