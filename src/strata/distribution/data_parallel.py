"""``DataParallel``: every device holds the whole model; each batch is split across the devices.

Each device computes the gradients of its slice of the batch; XLA adds them up across devices
(an all-reduce it inserts itself), so every replica applies the same update and the weights stay
identical.  The numbers equal one-device training up to the order of floating-point sums.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.distribution.devices import DeviceMesh, list_devices
from strata.distribution.base import Distribution, replicated_layout
from strata.distribution.tensor_layout import TensorLayout

DEFAULT_BATCH_DIM_NAME = "batch"


class DataParallel(Distribution):
    """Replicate the variables, split batches along the mesh's first axis.

    Args:
        device_mesh: a 1-D :class:`DeviceMesh` (its first axis is the batch axis).
        devices: the devices to use when no mesh is given (a 1-D mesh with axis ``"batch"``).
        auto_shard_dataset: Keras's flag (see :class:`Distribution`).

    With no arguments every device of :func:`list_devices` is used.

    Example:
        >>> import strata
        >>> dist = strata.distribution.DataParallel(devices=["cpu:0"])
        >>> dist.batch_dim_name, dist.num_model_replicas
        ('batch', 1)
    """

    def __init__(self, device_mesh: Any = None, devices: Any = None, auto_shard_dataset: bool = True) -> None:
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "Expect `mesh` to be an instance of `DeviceMesh`. "
                    f"Received: mesh={device_mesh} (of type {type(device_mesh)})"
                )
            batch_dim_name = device_mesh.axis_names[0]
        else:
            devices = np.array(list_devices() if devices is None or len(devices) == 0 else devices, dtype=object)
            device_mesh = DeviceMesh(devices.shape, [DEFAULT_BATCH_DIM_NAME], devices)
            batch_dim_name = DEFAULT_BATCH_DIM_NAME
        super().__init__(device_mesh, batch_dim_name, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """A variable's own ``_layout`` if it has one, else replicated."""
        own = getattr(variable, "_layout", None)
        return own if own is not None else replicated_layout(variable, self.device_mesh)
