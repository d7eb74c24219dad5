"""``Sequential``: a linear stack of layers."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.core import masking, naming
from strata.core.keras_tensor import KerasTensor
from strata.layers.convolutional import conv_pool
from strata.layers.core.input_layer import InputLayer
from strata.layers.layer import Layer
from strata.models.model import Model


class Sequential(Model):
    """A model whose layers each take the previous layer's output (``keras.Sequential``).

    Args:
        layers: an optional list of layers (an ``Input`` tensor may come first).
        trainable: whether the model's weights are trained.
        name: the model name (default ``sequential``, made unique).

    Example:
        >>> model = Sequential([Input(shape=(4,)), Dense(3, activation="softmax")])
        >>> model.count_params()
        15
    """

    _convert_input_args = False  # inner layers cast their own inputs (mixed precision, issue 16 §3)

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name or naming.auto_name("sequential"), trainable=trainable, **kwargs)
        self._stack: list[Layer] = []
        object.__setattr__(self, "_functional", None)
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or an ``Input`` tensor as the first entry)."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise TypeError(
                "Only instances of `strata.layers.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer) and self._stack and isinstance(self._stack[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' already has an input layer; an `Input` can only be "
                "the first entry."
            )
        if isinstance(layer, InputLayer) and self._stack:
            raise ValueError(
                "An `Input` must come first in a Sequential model. Received it after layers "
                f"{[l.name for l in self._stack]}."
            )
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the `name` "
                "argument to pass a unique name."
            )
        if not self._stack and not isinstance(layer, InputLayer) and layer._batch_input_shape is not None:
            self._stack.append(InputLayer(batch_shape=layer._batch_input_shape))
        self._stack.append(layer)
        self._rebuild_tracking()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model to pop.")
        layer = self._stack.pop()
        self._rebuild_tracking()
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _rebuild_tracking(self) -> None:
        self._layers = []
        for layer in self._stack:
            self._track(layer)
        self.built = False
        object.__setattr__(self, "_functional", None)

    def _maybe_rebuild(self) -> None:
        if self._stack and isinstance(self._stack[0], InputLayer) and len(self._stack) > 1:
            self.build(self._stack[0].batch_shape)

    @property
    def layers(self) -> list[Layer]:
        """The layers, without the input layer."""
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    @property
    def input_layer(self) -> InputLayer | None:
        return self._stack[0] if self._stack and isinstance(self._stack[0], InputLayer) else None

    def build(self, input_shape: Any = None) -> None:
        """Create all weights for inputs of ``input_shape`` (including the batch dimension)."""
        from strata.models.functional import Functional

        if self.input_layer is None:
            if input_shape is None:
                raise ValueError(
                    f"You must provide an `input_shape` argument to build Sequential model '{self.name}', "
                    "e.g. `model.build((None, 4))`, or start the model with `Input(shape=...)`."
                )
            self._stack.insert(0, InputLayer(batch_shape=tuple(input_shape)))
            self._rebuild_tracking()
        if not self.layers:
            return
        inputs = self.input_layer.output
        x = inputs
        with naming.name_scope(self.name, owner=self):
            for layer in self.layers:
                x = layer(x)
        object.__setattr__(self, "_functional", Functional(inputs, x))  # not a tracked sublayer
        self._build_shapes = self.input_layer.batch_shape
        self.built = True

    def _maybe_build(self, shapes: Any) -> None:
        if not self.built:
            self.build(shapes)

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        """Run the layers in order; a ``mask`` given for the inputs travels with them (Keras masking)."""
        x = inputs
        if mask is not None:
            x = jnp.asarray(x)
            masking.set_keras_mask(x, mask)
        layers, index = self.layers, 0
        while index < len(layers):
            if index + 1 < len(layers) and conv_pool.fusible(layers[index], layers[index + 1]):
                fused = conv_pool.conv_then_pool(layers[index], layers[index + 1], x)
                if fused is not None:  # a convolution and its pooling, block by block (CPU)
                    x, index = fused, index + 2
                    continue
            x = layers[index](x, training=training)
            index += 1
        return x

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """``None``: the outputs carry the masks their own layers gave them."""
        return None

    @property
    def inputs(self) -> list[KerasTensor]:
        return [self.input_layer.output] if self.input_layer is not None else []

    @property
    def outputs(self) -> list[KerasTensor]:
        return self._functional.outputs if self._functional is not None else []

    def _outputs_struct_for_cache(self) -> int:
        return 0  # one output array

    @property
    def output_names(self) -> list[str]:
        return [self.layers[-1].name] if self.layers else []

    @property
    def input_shape(self) -> tuple:
        return tuple(self._built_graph("input shape").inputs[0].shape)

    @property
    def output_shape(self) -> tuple:
        return tuple(self._built_graph("output shape").outputs[0].shape)

    @property
    def input(self) -> KerasTensor:
        """The input tensor once the model is built (tf.keras 2 gave it too; Keras 3 only after a call)."""
        return self._built_graph("input").inputs[0]

    @property
    def output(self) -> KerasTensor:
        """The output tensor once the model is built."""
        return self._built_graph("output").outputs[0]

    def _built_graph(self, what: str) -> Any:
        if self._functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined {what} yet. Give the first layer an input "
                "shape (e.g. `Input(shape=(4,))` first in the list) or call `build()` / the model first.")
        return self._functional

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_spec(KerasTensor(shape)).shape
        return shape

    def get_config(self) -> dict:
        from strata.saving.serialization import serialize_layer
        from strata.mixed_precision.policies import serialize as serialize_policy

        config = {"name": self.name, "trainable": self.trainable, "dtype": serialize_policy(self.dtype_policy),
                  "layers": [serialize_layer(layer) for layer in self._stack]}
        if self._build_shapes is not None:
            config["build_input_shape"] = self._build_shapes
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        from strata.saving.serialization import deserialize_layer

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize_layer(layer_config, custom_objects=custom_objects), rebuild=False)
        if model.input_layer is None and config.get("build_input_shape") is not None:
            model.build(config["build_input_shape"])
        else:
            model._maybe_rebuild()
        return model
