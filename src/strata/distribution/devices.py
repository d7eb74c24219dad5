"""Devices and the device mesh: the grid of accelerators a distribution spreads work over.

A :class:`DeviceMesh` arranges devices in an n-dimensional grid whose axes have names (``"batch"``,
``"model"``); layouts then say which tensor dimension is split along which mesh axis.  It is a thin
description of JAX's own ``jax.sharding.Mesh`` (:attr:`DeviceMesh.backend_mesh`), so everything
below runs on JAX's sharding and XLA's SPMD partitioner.

Devices are named as Keras names them, ``"<platform>:<id>"`` (``"cpu:0"``, ``"gpu:1"``); in a
multi-process run the list holds every process's devices (global ids).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import jax
import numpy as np


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices of one type, as ``"<platform>:<id>"`` strings (all processes' devices).

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``; ``None`` means JAX's default backend
            (an accelerator when one is present, else the CPU).

    Example:
        >>> import strata
        >>> strata.distribution.list_devices("cpu")[0]
        'cpu:0'
    """
    backend = device_type.lower() if device_type else None
    return [f"{device.platform}:{device.id}" for device in jax.devices(backend)]


def get_device_count(device_type: str | None = None) -> int:
    """How many devices of ``device_type`` (default: JAX's default backend) there are, globally."""
    return len(jax.devices(device_type.lower() if device_type else None))


def to_jax_device(device: Any) -> Any:
    """A ``jax.Device`` for ``device``: a ``jax.Device`` itself or a ``"<platform>:<id>"`` string."""
    if isinstance(device, jax.Device):
        return device
    name = str(device)
    platform, _, index = name.partition(":")
    for candidate in jax.devices(platform.lower() or None):
        if str(candidate.id) == index:
            return candidate
    raise ValueError(
        f"Unknown device {name!r}. Received: device={device!r}; the devices of this platform are "
        f"{list_devices(platform or None)}. Pass names from `strata.distribution.list_devices()`."
    )


class DeviceMesh:
    """A named grid of devices (JAX's ``Mesh``).

    Args:
        shape: the grid's size along each axis; its product must equal the number of devices.
        axis_names: one name per axis, e.g. ``["batch", "model"]``.
        devices: the devices (names or ``jax.Device``s); defaults to :func:`list_devices`.

    Example:
        >>> import strata
        >>> mesh = strata.distribution.DeviceMesh((1,), ["batch"], devices=["cpu:0"])
        >>> mesh
        <DeviceMesh shape=(1,), axis_names=['batch']>
    """

    def __init__(self, shape: Sequence[int], axis_names: Sequence[str], devices: Any = None) -> None:
        if not shape or not axis_names:
            raise ValueError(
                f"Shape and axis_names cannot be empty. Received: shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                f"Shape and axis_names should have same size. Received: shape={shape}, axis_names={axis_names}"
            )
        devices = np.array(list_devices() if devices is None else devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"Shape does not match the number of devices. Received: shape={tuple(shape)}; "
                f"devices.shape={devices.shape}. Give a shape whose product is {devices.size}."
            )
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = np.reshape(devices, self._shape)
        self._backend_mesh = None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def axis_names(self) -> list[str]:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The devices as given, arranged in the mesh's shape."""
        return self._devices

    @property
    def backend_mesh(self) -> jax.sharding.Mesh:
        """The ``jax.sharding.Mesh`` this mesh describes."""
        if self._backend_mesh is None:
            grid = np.vectorize(to_jax_device, otypes=[object])(self._devices)
            self._backend_mesh = jax.sharding.Mesh(grid, tuple(self._axis_names))
        return self._backend_mesh

    def axis_size(self, name: str) -> int:
        """The number of devices along mesh axis ``name``."""
        return self._shape[self._axis_names.index(name)]

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self._shape}, axis_names={self._axis_names}>"

    __str__ = __repr__
