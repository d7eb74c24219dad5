"""The one bridge between stateful objects and pure JAX functions.

A model is split into *structure* (the Python objects, read only while tracing) and *state* (flat
lists of arrays).  :func:`stateless_call` runs a layer's ``__call__`` with every variable read from
the given values and returns the new non-trainable values, so the compiled train, test and predict
programs, the optimizer update and saving all see the model through the same lens.
"""

from __future__ import annotations

from typing import Any

from strata.core.scope import StatelessScope
from strata.core.variable import Variable


def values_of(variables: list[Variable]) -> list[Any]:
    """The stored arrays of ``variables`` (no copy)."""
    return [v._value for v in variables]


def assign_values(variables: list[Variable], values: list[Any]) -> None:
    """Write ``values`` back into ``variables`` (bypassing any scope)."""
    for variable, value in zip(variables, values):
        variable._value = value


def stateless_call(layer: Any, trainable_values: list[Any], non_trainable_values: list[Any],
                   *args: Any, return_losses: bool = False, variables: tuple[list, list] | None = None,
                   **kwargs: Any) -> Any:
    """Call ``layer`` with its variables bound to the given values, without mutating it.

    Args:
        layer: a built layer or model.
        trainable_values: arrays aligned with ``layer.trainable_variables``.
        non_trainable_values: arrays aligned with ``layer.non_trainable_variables``.
        *args, **kwargs: the call's arguments (``training=`` included).
        return_losses: also return the list of loss terms (``add_loss``, activity and weight
            regularizers) computed during the call.
        variables: ``(trainable, non_trainable)`` variable lists the values align with, when they
            differ from the layer's current split (a model compiled before a layer was frozen).

    Returns:
        ``(outputs, new_non_trainable_values)``, plus ``losses`` when ``return_losses``.
    """
    from strata.layers.layer import collect_losses

    trainable, non_trainable = variables or (layer.trainable_variables, layer.non_trainable_variables)
    if len(trainable) != len(trainable_values) or len(non_trainable) != len(non_trainable_values):
        raise ValueError(
            f"stateless_call on '{layer.name}' expects {len(trainable)} trainable and "
            f"{len(non_trainable)} non-trainable values. Received: {len(trainable_values)} and "
            f"{len(non_trainable_values)}."
        )
    mapping = list(zip(trainable, trainable_values)) + list(zip(non_trainable, non_trainable_values))
    with StatelessScope(mapping) as scope, collect_losses() as losses:
        outputs = layer(*args, **kwargs)
        if return_losses:
            for variable in layer.weights:
                if variable.regularizer is not None:
                    losses.append(variable.regularizer(variable.value))
    new_non_trainable = [scope.current_value(v) for v in non_trainable]
    if return_losses:
        return outputs, new_non_trainable, list(losses)
    return outputs, new_non_trainable
