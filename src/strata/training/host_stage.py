"""The host stage: the part of a model that runs in NumPy before the compiled step.

String layers (``TextVectorization``, ``StringLookup``, ``Hashing`` on strings) cannot run inside a
JAX program: they mark themselves ``host_side = True``.  When such layers come right after a
model's input — ``Sequential([TextVectorization(...), Embedding(...), ...])``, or
``Input(dtype="string")`` followed by ``TextVectorization`` in a functional model — ``fit``,
``evaluate`` and ``predict`` apply them to the raw inputs on the host (:func:`transform`), and the
compiled program treats them as the identity (:func:`strata.core.host_side.host_stage_applied`).
``model(x)`` on raw strings runs them the same way, so one model serves text end to end.

It also checks the prepared inputs before the first step, where a mistake still has a clear
name: integer ids outside an ``Embedding``'s range (which would otherwise become rows of NaN
inside the compiled program), and string layers placed where the host cannot run them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from strata.core.host_side import host_stage_applied


def is_host_side(layer: Any) -> bool:
    return bool(getattr(layer, "host_side", False))


def _graph_consumers(graph: Any, tensor: Any) -> list[Any]:
    return [node for node in graph._nodes if not node.is_input and any(t is tensor for t in node.input_tensors)]


def plan(model: Any) -> tuple[list[list[Any]], list[list[Any]]] | None:
    """Per model input: the host-side layers applied to it in order, and the layers that receive
    the result (where input checks apply).  ``None`` for a model without a layer graph."""
    from strata.models.functional import Functional
    from strata.models.sequential import Sequential

    if isinstance(model, Sequential):
        layers = model.layers
        k = 0
        while k < len(layers) and is_host_side(layers[k]):
            k += 1
        return [layers[:k]], [layers[k:k + 1]]
    if not isinstance(model, Functional):
        return None
    chains, receivers = [], []
    for tensor in model.inputs:
        chain, current = [], tensor
        while True:
            nodes = _graph_consumers(model, current)
            if len(nodes) == 1 and is_host_side(nodes[0].operation) and len(nodes[0].input_tensors) == 1:
                chain.append(nodes[0].operation)
                current = nodes[0].output_tensors[0]
                continue
            receivers.append([node.operation for node in nodes])
            break
        chains.append(chain)
    return chains, receivers


def has_host_stage(model: Any) -> bool:
    stage = plan(model)
    return stage is not None and any(stage[0])


def check_placement(model: Any) -> None:
    """String layers must sit right after a model input, where the host can run them first."""
    stage = plan(model)
    if stage is None:
        return
    placed = {id(layer) for chain in stage[0] for layer in chain}
    for layer in model.layers:  # (a string layer's own sublayers, e.g. its lookup, run inside it)
        if is_host_side(layer) and id(layer) not in placed:
            raise ValueError(
                f"{type(layer).__name__} layer '{layer.name}' of model '{model.name}' runs on the host (it "
                "works on strings with NumPy), so it must come right after the model's input, before any "
                "layer that computes on numbers. Move it to the start of the model, or apply it to the data "
                "before `fit` (e.g. `x = vectorize(texts)`)."
            )


def input_specs(model: Any) -> list[tuple[tuple, str]]:
    """``(shape, dtype)`` of each model input as the compiled program receives it (after the host
    stage: a ``TextVectorization`` input arrives as its integer ids)."""
    stage = plan(model)
    inputs = list(getattr(model, "inputs", []) or [])
    specs = [(tuple(t.shape), t.dtype) for t in inputs]
    if stage is None:
        return specs
    for index, chain in enumerate(stage[0]):
        if chain and index < len(specs):
            out = chain[-1].output
            specs[index] = (tuple(out.shape), out.dtype)
    return specs


def transform(model: Any, x: Any) -> Any:
    """The raw inputs ``x`` (an array, or a list/tuple/dict per input) with the host-side layers
    applied; inputs without such layers pass unchanged."""
    stage = plan(model)
    if stage is None or not any(stage[0]):
        return x
    if not model.built:
        _build_from_raw(model, x)
        stage = plan(model)
    if isinstance(x, dict):
        from strata.training import data_adapter

        x = data_adapter.by_name(x, data_adapter.input_keys(model), "x", "input")
    single = not isinstance(x, (list, tuple))
    flat = [x] if single else list(x)
    out = []
    for chain, value in zip(stage[0] + [[]] * (len(flat) - len(stage[0])), flat):
        if chain:
            value = _raw_array(value)
            with host_stage_applied(False):  # this is the host stage: the string layers compute
                for layer in chain:
                    value = np.asarray(layer(value))
        out.append(value)
    return out[0] if single else out


def transformer(model: Any) -> Callable[[Any], Any] | None:
    """:func:`transform` bound to ``model``, or ``None`` when the model has no host stage."""
    return functools.partial(transform, model) if has_host_stage(model) else None


def _raw_array(value: Any) -> np.ndarray:
    if hasattr(value, "to_numpy"):  # a pandas Series or DataFrame of text
        value = value.to_numpy()
    return np.asarray(value)


def _build_from_raw(model: Any, x: Any) -> None:
    """Build a Sequential that starts with string layers from the raw input's shape."""
    first = x[0] if isinstance(x, (list, tuple)) else x
    shape = _raw_array(first).shape
    model.build((None,) + tuple(shape[1:]))


def check_inputs(model: Any, flat_inputs: list[Any]) -> None:
    """Refuse, before any compiled step, inputs the first layers cannot take (e.g. ids too large
    for an ``Embedding``)."""
    stage = plan(model)
    if stage is None:
        return
    for index, (receivers, value) in enumerate(zip(stage[1], flat_inputs)):
        for layer in receivers:
            check = getattr(layer, "check_input_values", None)
            if check is not None and isinstance(value, np.ndarray):
                check(value, "x" if len(flat_inputs) == 1 else f"x[{index}]")


def on_host_processed_inputs(method: Callable) -> Callable:
    """Run a ``fit``/``evaluate``/``predict``-like method with the host stage marked as applied:
    the method transforms its inputs on the host, and the programs it traces skip string layers."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with host_stage_applied():
            return method(self, *args, **kwargs)

    return wrapper
