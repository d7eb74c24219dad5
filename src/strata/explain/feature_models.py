"""Truncated models and their compiled programs: how ``strata.explain`` looks inside a network.

Every tool of ``strata.explain`` needs the value of some intermediate layer: the activation of one
filter (filter visualisation), the outputs of several layers (activation maps), or the last
convolutional feature map together with the prediction (Grad-CAM).  Each builds a *sub-model*,
``Model(model.inputs, layer.output)`` or ``Model(layer.output, model.output)``, that shares the
original model's layers and variables, and runs it through the one bridge,
:func:`strata.core.bridge.stateless_call`, inside a jitted program.  The weights are arguments of
that program, never constants baked into it, so a model trained further is explained with its new
weights without compiling again.

Sub-models and programs are cached per model (weakly, so they go when the model goes), keyed by
the graph tensors they were built from: a second call with the same layer reuses the executable.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from strata.core.bridge import stateless_call, values_of

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def conv_layer_names(model: Any) -> list[str]:
    """Names of the model's 2D convolution layers (those :func:`visualize_filter` accepts).

    Example:
        >>> import strata as keras
        >>> from strata import layers
        >>> model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3, name="conv"),
        ...                           layers.Flatten()])
        >>> conv_layer_names(model)
        ['conv']
    """
    from strata.layers.convolutional.conv_layer import ConvLayer

    return [layer.name for layer in model.layers if isinstance(layer, ConvLayer) and layer.rank == 2]


def find_layer(model: Any, layer_name: str, argument: str = "layer_name") -> Any:
    """The layer of ``model`` called ``layer_name``; an unknown name lists the conv layers."""
    for layer in model.layers:
        if layer.name == layer_name:
            return layer
    raise ValueError(
        f"Model '{model.name}' has no layer named {layer_name!r}. Received: {argument}={layer_name!r}. "
        f"Its convolution layers are {conv_layer_names(model)}; all its layers are "
        f"{[layer.name for layer in model.layers]}."
    )


def model_inputs(model: Any, tool: str) -> list[Any]:
    """The symbolic inputs of ``model``, which must be built on exactly one image input."""
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError):
        inputs = []
    if not inputs:
        raise ValueError(
            f"{tool} needs a model with a known input shape; model '{model.name}' has none yet. Build it "
            f"first: give the first layer `input_shape=`, start with `keras.Input(...)`, or call it on data."
        )
    if len(inputs) != 1:
        raise ValueError(
            f"{tool} explains models with one image input; model '{model.name}' has {len(inputs)} inputs."
        )
    return inputs


def output_tensor(layer: Any, tool: str) -> Any:
    """``layer.output``, with a clear error for a layer called more than once."""
    try:
        return layer.output
    except (AttributeError, ValueError) as error:
        raise ValueError(
            f"{tool} needs the single output of layer '{layer.name}', but it has none or several "
            f"(it may be shared between calls). Received: {error}"
        ) from error


class Program:
    """A sub-model and a jitted function of ``(trainable, non_trainable, *args)`` that calls it.

    ``body(call, *args)`` receives ``call(x) -> outputs``, the sub-model applied statelessly in
    inference mode with the values passed to the program.
    """

    def __init__(self, submodel: Any, body: Callable[..., Any]) -> None:
        import jax

        self.submodel = submodel

        def run(trainable: list, non_trainable: list, *args: Any) -> Any:
            def call(x: Any) -> Any:
                return stateless_call(submodel, trainable, non_trainable, x, training=False)[0]

            return body(call, *args)

        self._compiled = jax.jit(run)

    def __call__(self, *args: Any) -> Any:
        return self._compiled(values_of(self.submodel.trainable_variables),
                              values_of(self.submodel.non_trainable_variables), *args)


class TwoStageProgram:
    """Like :class:`Program` over two sub-models (``head`` reads what ``base`` returns)."""

    def __init__(self, base: Any, head: Any, body: Callable[..., Any]) -> None:
        import jax

        self.base, self.head = base, head

        def run(base_values: tuple, head_values: tuple, *args: Any) -> Any:
            def call_base(x: Any) -> Any:
                return stateless_call(base, *base_values, x, training=False)[0]

            def call_head(x: Any) -> Any:
                return stateless_call(head, *head_values, x, training=False)[0]

            return body(call_base, call_head, *args)

        self._compiled = jax.jit(run)

    def __call__(self, *args: Any) -> Any:
        values = [(values_of(m.trainable_variables), values_of(m.non_trainable_variables))
                  for m in (self.base, self.head)]
        return self._compiled(values[0], values[1], *args)


def cached(model: Any, key: tuple, build: Callable[[], Any]) -> Any:
    """The object ``build()`` made for ``(model, key)``, built on first use.

    ``key`` should hold the graph tensors the object depends on (by ``id``): the cache entry keeps
    them alive, so an id cannot be reused by another tensor while the entry exists.
    """
    entries = _CACHE.setdefault(model, {})
    if key not in entries:
        entries[key] = build()
    return entries[key]


def submodel(inputs: Any, outputs: Any, name: str) -> Any:
    """``Model(inputs, outputs)`` named explicitly, so it takes no auto-name from the user's session."""
    from strata.models import Model

    return Model(inputs, outputs, name=name)
