"""Trials of different widths that share one compiled program: Dense stacks trained zero-padded.

A search over widths builds a new architecture almost every trial, and compiling (not training) is
what a small trial costs. For a plain stack of ``Dense`` layers whose hidden activations map 0 to 0
(relu, tanh, linear, elu, gelu, ...), a network of widths ``(16, 8)`` computes exactly what a
network of widths ``(32, 32)`` computes when the extra units' weights are zero: an extra unit's
pre-activation is 0, its output is 0, and because its outgoing weights are 0 no error flows back to it.
Every gradient on a padded weight is therefore exactly zero, so every optimizer leaves it at zero,
and the padded network trains as the original one does — the same losses, metrics and weights, up to
float32 rounding of sums that now include extra zero terms.

The tuner trains such a *twin*: the trial's model is built as usual (same initial weights), its
weights are copied into a twin padded to a shared width, the twin is fitted, and the best epoch's
weights are cut back to the trial's own shapes for its checkpoint. With no callback that needs
control between epochs, the twin's epochs run fused (many epochs per dispatch) and the best epoch's
weights are recovered afterwards by replaying training up to that epoch from the same seeds. Trials
of equal depth share the twin's architecture, so strata's program cache compiles once per depth
instead of once per trial. Anything that could see the difference falls back to fitting the model
itself: a model that is not a plain Dense stack, a ``HyperModel.fit`` override, or callbacks other
than strata's own that never look at the model's layers.

Example:
    >>> from strata.tuner.shared_programs import padded_width
    >>> padded_width([5, 12], current=8)
    16
"""

from __future__ import annotations

from typing import Any

import numpy as np

ZERO_PRESERVING = {"relu", "tanh", "linear", "elu", "selu", "gelu", "silu", "swish", "softsign", "leaky_relu",
                   "relu6", "mish"}
SAFE_CALLBACKS = {"EarlyStopping", "TerminateOnNaN", "ReduceLROnPlateau", "LearningRateScheduler", "CSVLogger",
                  "History", "ProgbarLogger"}


def padded_width(widths: list[int], current: int = 0) -> int:
    """The shared width: the next power of two holding every width (and the width used so far)."""
    widest = max(list(widths) + [current, 1])
    return 1 << (widest - 1).bit_length()


def _activation_name(config: dict) -> Any:
    activation = config.get("activation")
    return activation if isinstance(activation, str) else None


def hidden_widths(model: Any) -> list[int] | None:
    """The hidden widths of a plain Dense stack, or ``None`` when the model is anything else."""
    from strata.layers.core.dense import Dense
    from strata.models.sequential import Sequential

    if type(model) is not Sequential or not model.built or len(model.inputs) != 1 or len(model.inputs[0].shape) != 2:
        return None
    stack = model.layers
    if not stack or any(type(layer) is not Dense for layer in stack):
        return None
    for layer in stack:
        config = layer.get_config()
        if any(config.get(k) is not None for k in ("kernel_regularizer", "bias_regularizer", "kernel_constraint",
                                                    "bias_constraint", "quantization_config")):
            return None
        if layer.activity_regularizer is not None or layer.dtype_policy.name != "float32":
            return None
    if any(_activation_name(layer.get_config()) not in ZERO_PRESERVING for layer in stack[:-1]):
        return None
    return [layer.units for layer in stack[:-1]]


def callbacks_are_safe(callbacks: list) -> bool:
    return all(type(c).__module__.startswith("strata.callbacks") and type(c).__name__ in SAFE_CALLBACKS
               for c in callbacks)


def make_twin(model: Any, width: int) -> Any:
    """A compiled copy of ``model`` with every hidden layer ``width`` wide, holding its weights zero-padded."""
    from strata import layers as layers_module
    from strata.core import random
    from strata.models.sequential import Sequential

    position = random.stream_position()  # building the twin must not move the seed stream that fit draws from
    try:
        return _build_twin(model, width, layers_module, Sequential)
    finally:
        random.restore_stream(position)


def _build_twin(model: Any, width: int, layers_module: Any, Sequential: Any) -> Any:

    stack = model.layers
    twin_layers = [layers_module.Input(tuple(model.inputs[0].shape[1:]))]
    for i, layer in enumerate(stack):
        config = layer.get_config()
        config.pop("name", None)
        if i < len(stack) - 1:
            config["units"] = width
        twin_layers.append(type(layer).from_config(config))
    twin = Sequential(twin_layers)
    compile_config = model._compile_config
    optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
    twin.compile(optimizer=optimizer, loss=compile_config["loss"], loss_weights=compile_config["loss_weights"],
                 metrics=compile_config["metrics"], weighted_metrics=compile_config["weighted_metrics"])
    twin.set_weights(pad_weights(model.get_weights(), twin))
    return twin


def pad_weights(weights: list, twin: Any) -> list:
    """``weights`` placed in the top-left corner of zero arrays of the twin's shapes."""
    padded = []
    for value, variable in zip(weights, twin.weights):
        array = np.zeros(tuple(variable.shape), dtype=np.asarray(value).dtype)
        array[tuple(slice(0, n) for n in np.shape(value))] = value
        padded.append(array)
    return padded


def cut_weights(twin_weights: list, model: Any) -> list:
    """The twin's weights cut back to ``model``'s shapes."""
    return [np.asarray(value)[tuple(slice(0, n) for n in tuple(variable.shape))]
            for value, variable in zip(twin_weights, model.weights)]
