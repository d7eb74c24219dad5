"""``Dense``: ``activation(inputs @ kernel + bias)`` on the last axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.layer import Layer


class Dense(Layer):
    """A densely connected layer (``keras.layers.Dense``).

    Args:
        units: the output size (a positive integer).
        activation: activation name or function (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (``"glorot_uniform"``, ``"zeros"``).
        kernel_regularizer, bias_regularizer, activity_regularizer: optional regularizers.
        kernel_constraint, bias_constraint: optional constraints.

    The kernel has shape ``(input_dim, units)``.

    Example:
        >>> Dense(3).compute_output_shape((None, 4))
        (None, 3)
    """

    _config_args = ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                    "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint",
                    "quantization_config")

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, **kwargs: Any) -> None:
        kwargs.pop("quantization_config", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, (int,)) and not hasattr(units, "__index__") or int(units) <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units!r}"
            )
        self.units = int(units)
        self.use_bias = bool(use_bias)
        self.store_arguments(activation=activation, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             bias_constraint=bias_constraint)
        self.quantization_config = None
        if lora_rank is not None:
            raise ValueError(
                "LoRA is not supported by strata's Dense yet. Received: lora_rank="
                f"{lora_rank}. Remove `lora_rank` (and `lora_alpha`)."
            )
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the inputs to Dense layer '{self.name}' must be known. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs: Any) -> Any:
        kernel = self.kernel.value
        if inputs.shape[-1] != kernel.shape[0]:
            raise ValueError(
                f"Input of Dense layer '{self.name}' has {inputs.shape[-1]} features on its last axis, "
                f"but the layer was built for {kernel.shape[0]}. Received: inputs.shape={tuple(inputs.shape)}"
            )
        outputs = jnp.matmul(inputs, kernel)
        if self.bias is not None:
            bias = self.bias.value
            outputs = outputs + jnp.reshape(bias, (1,) * (outputs.ndim - 1) + bias.shape)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)
