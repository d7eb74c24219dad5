"""``clone_model``: the same architecture with fresh weights."""

from __future__ import annotations

from typing import Any


def clone_model(model: Any, input_tensors: Any = None, clone_function: Any = None, call_function: Any = None,
                recursive: bool = False, **kwargs: Any) -> Any:
    """A new model with the same configuration as ``model`` and newly initialised weights.

    Works for Sequential, functional and subclassed models (the latter through
    ``from_config(get_config())``). Layers are recreated from their configs, so their weights are
    drawn fresh from the root seed stream; copy them with ``set_weights`` if you want the values too.

    Args:
        model: the model to clone.
        clone_function: optional ``layer -> new layer`` used instead of recreating from config
            (Sequential and functional models).
        input_tensors, call_function, recursive: accepted for Keras compatibility; only ``None``/``False``
            are supported.
    """
    from strata.models.functional import Functional
    from strata.models.sequential import Sequential

    if input_tensors is not None or call_function is not None or recursive:
        raise ValueError(
            "strata's clone_model supports only `clone_function`. Received: "
            f"input_tensors={input_tensors!r}, call_function={call_function!r}, recursive={recursive}. "
            "Build the new graph by calling the cloned layers yourself instead."
        )
    if kwargs:
        raise ValueError(f"Unexpected keyword arguments to clone_model: {sorted(kwargs)}")
    if clone_function is not None and isinstance(model, Sequential):
        clone = Sequential(name=model.name, trainable=model.trainable)
        if model.input_layer is not None:
            from strata.layers.core.input_layer import InputLayer

            clone.add(InputLayer.from_config(model.input_layer.get_config()), rebuild=False)
        for layer in model.layers:
            clone.add(clone_function(layer), rebuild=False)
        clone._maybe_rebuild()
        return clone
    if clone_function is not None:
        raise ValueError("`clone_function` is supported for Sequential models only in strata.")
    if isinstance(model, (Sequential, Functional)):
        return type(model).from_config(model.get_config())
    try:
        config = model.get_config()
    except NotImplementedError:
        raise ValueError(
            f"Cannot clone subclassed model '{model.name}': its class {type(model).__name__} does not "
            "implement `get_config()`. Add a `get_config` that returns the constructor arguments."
        ) from None
    clone = type(model).from_config(config)
    if model.built and model._build_shapes is not None:
        clone.build(model._build_shapes)
    return clone
