"""The one bridge between stateful objects and pure JAX functions.

A model is split into *structure* (the Python objects, read only while tracing) and *state* (flat
lists of arrays).  :func:`stateless_call` runs a layer's ``__call__`` with every variable read from
the given values and returns the new non-trainable values, so the compiled train, test and predict
programs, the optimizer update and saving all see the model through the same lens.
"""

from __future__ import annotations

import sys
from typing import Any

from strata.core.random import state_random
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
    with StatelessScope(mapping) as scope, collect_losses() as losses, state_random():
        outputs = layer(*args, **kwargs)
        if return_losses:
            for variable in layer.weights:
                if variable.regularizer is not None:
                    losses.append(variable.regularizer(variable.value))
    new_non_trainable = [scope.current_value(v) for v in non_trainable]
    if return_losses:
        return outputs, new_non_trainable, list(losses)
    return outputs, new_non_trainable


# -- distribution (issue 16 §1): placement of state and data on a device mesh -------------------------
# strata.distribution is an optional subsystem: until it is imported no distribution can be set, so
# these are plain pass-throughs on the default path (no device_put, no sharding constraints).
def active_distribution() -> Any:
    """The global ``strata.distribution`` setting, or ``None`` (without importing the subsystem)."""
    module = sys.modules.get("strata.distribution")
    return None if module is None else module.distribution()


def place_state(tree: Any, groups: dict) -> Any:
    """``tree`` (state or params) on the distribution's mesh; unchanged without a distribution.

    ``groups`` maps ``"trainable"``/``"non_trainable"``/``"optimizer"`` to the variables whose values
    the tree's lists under those keys hold.
    """
    dist = active_distribution()
    if dist is None:
        return tree
    from strata.distribution import placement

    return placement.place_state(dist, tree, groups)


def constrain_state(tree: Any, groups: dict) -> Any:
    """Inside a program: keep the state laid out as :func:`place_state` placed it."""
    dist = active_distribution()
    if dist is None:
        return tree
    from strata.distribution import placement

    return placement.constrain_state(dist, tree, groups)


def put_data(tree: Any, split: bool = True) -> Any:
    """Host data on the device(s); under a distribution split along the batch axis, or with
    ``split=False`` (datasets the programs gather batches from) whole on every device."""
    import jax

    dist = active_distribution()
    if dist is None:
        return jax.device_put(tree)
    from strata.distribution import placement

    return placement.put_data(dist, tree, split)


def constrain_batch(tree: Any) -> Any:
    """Inside a program: a gathered batch split along the batch axis (unchanged without a distribution)."""
    dist = active_distribution()
    if dist is None:
        return tree
    from strata.distribution import placement

    return placement.constrain_batch(dist, tree)


def constrain_whole(tree: Any) -> Any:
    """Inside a program: ``tree`` whole on every device (unchanged without a distribution)."""
    dist = active_distribution()
    if dist is None:
        return tree
    import jax

    from strata.distribution import placement

    return jax.lax.with_sharding_constraint(tree, placement.replicated(dist))


def check_batch_size(batch_size: int) -> None:
    """Under a distribution, ``batch_size`` must split evenly over its batch axis."""
    dist = active_distribution()
    if dist is not None:
        from strata.distribution import placement

        placement.check_batch_size(dist, batch_size)
