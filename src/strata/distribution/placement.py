"""Where the training state and the data live under a distribution (used by ``fit``/``evaluate``/``predict``).

The compiled programs stay the same pure functions; only their inputs change:

* the state (weights, optimizer slots, metric accumulators) is put on the mesh with
  ``jax.device_put(state, shardings)``: each variable as the distribution lays it out, each optimizer
  slot as its variable, everything else replicated; the programs constrain their output state to
  the same shardings, so one compiled program serves every step;
* the device-resident datasets are held whole by every device, and every batch gathered from them
  inside a program is constrained to be split along the batch axis
  (``jax.lax.with_sharding_constraint``): each device gathers only its own rows; streamed batches
  and prediction chunks arrive already split along the batch axis.

XLA's SPMD partitioner then splits the computation and inserts the all-reduce of the gradients.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

_GROUPS = ("trainable", "non_trainable", "optimizer")


def replicated(dist: Any) -> NamedSharding:
    return NamedSharding(dist.device_mesh.backend_mesh, PartitionSpec())


def variable_shardings(dist: Any, variables: list) -> list:
    return [dist.get_variable_layout(v).backend_layout for v in variables]


def optimizer_shardings(dist: Any, optimizer_variables: list, trainable: list) -> list:
    """Each optimizer slot laid out as the variable it belongs to; scalars replicated.

    A slot is named ``"<variable path with / as _>_<slot>"`` and has its variable's shape.
    """
    prefixes = [((getattr(v, "path", None) or v.name).replace("/", "_").replace(":", "_") + "_", v)
                for v in trainable]
    prefixes.sort(key=lambda item: -len(item[0]))
    result = []
    for slot in optimizer_variables:
        owner = next((v for prefix, v in prefixes
                      if slot.name.startswith(prefix) and tuple(slot.shape) == tuple(v.shape)), None)
        result.append(replicated(dist) if owner is None else dist.get_variable_layout(owner).backend_layout)
    return result


def group_shardings(dist: Any, groups: dict) -> dict:
    """``{"trainable": [...], "non_trainable": [...], "optimizer": [...]}`` of shardings."""
    trainable = groups.get("trainable", [])
    return {"trainable": variable_shardings(dist, trainable),
            "non_trainable": variable_shardings(dist, groups.get("non_trainable", [])),
            "optimizer": optimizer_shardings(dist, groups.get("optimizer", []), trainable)}


def tree_shardings(dist: Any, tree: Any, groups: dict) -> Any:
    """A sharding for every leaf of a state tree; leaves under ``trainable``/``non_trainable``/
    ``optimizer`` keys follow their variable, the rest are replicated."""
    by_group = group_shardings(dist, groups)
    everywhere = replicated(dist)

    def pick(path: tuple, leaf: Any) -> Any:
        for i, key in enumerate(path[:-1]):
            name = getattr(key, "key", None)
            if name in _GROUPS:
                index = getattr(path[i + 1], "idx", None)
                shardings = by_group[name]
                if index is not None and index < len(shardings) and len(path) == i + 2:
                    return shardings[index]
        return everywhere

    return jax.tree_util.tree_map_with_path(pick, tree)


def place_state(dist: Any, tree: Any, groups: dict) -> Any:
    """``tree`` on the mesh (a no-op for arrays already placed so)."""
    return jax.device_put(tree, tree_shardings(dist, tree, groups))


def constrain_state(dist: Any, tree: Any, groups: dict) -> Any:
    """Inside a compiled program: keep ``tree`` laid out as :func:`place_state` puts it."""
    return jax.lax.with_sharding_constraint(tree, tree_shardings(dist, tree, groups))


def _batch_sharding(dist: Any, leaf: Any) -> NamedSharding:
    shape = np.shape(leaf)
    if not shape or shape[0] % dist.num_model_replicas:
        return replicated(dist)
    return dist.get_data_layout(shape).backend_layout


def put_data(dist: Any, tree: Any, split: bool = True) -> Any:
    """Host arrays on the mesh: batches split along the batch axis (when the row count divides
    evenly); with ``split=False`` whole on every device.

    The device-resident datasets of ``fit``/``evaluate`` are put whole (``split=False``): the
    programs gather each batch from them by a row permutation, and on a copy held by every device
    that gather is local: each device takes just its slice of the batch (:func:`constrain_batch`).
    Split datasets would make XLA all-gather the data in every step.
    """
    if not split:
        return jax.device_put(tree, replicated(dist))
    return jax.device_put(tree, jax.tree_util.tree_map(lambda leaf: _batch_sharding(dist, leaf), tree))


def constrain_batch(dist: Any, tree: Any) -> Any:
    """Inside a compiled program: split a gathered batch along the batch axis."""
    return jax.tree_util.tree_map(lambda leaf: jax.lax.with_sharding_constraint(leaf, _batch_sharding(dist, leaf)),
                                  tree)


def check_batch_size(dist: Any, batch_size: int) -> None:
    """A batch must split evenly over the batch axis (Keras raises too, later and less clearly)."""
    replicas = dist.num_model_replicas
    if batch_size % replicas:
        fit = -(-batch_size // replicas) * replicas
        raise ValueError(
            f"The batch size must be divisible by the number of devices the batch is split over: "
            f"batch_size={batch_size} does not split over the {replicas} devices of the distribution's "
            f"'{dist.batch_dim_name}' axis. Use a multiple of {replicas}, e.g. batch_size={fit}."
        )
