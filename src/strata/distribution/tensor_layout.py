"""Tensor layouts: which dimension of a tensor is split along which axis of a device mesh.

``TensorLayout(("batch", None))`` splits dimension 0 along the mesh axis ``"batch"`` and keeps
dimension 1 whole; ``None`` everywhere means every device holds the full tensor (replicated).
A layout is JAX's ``NamedSharding(mesh, PartitionSpec(*axes))`` (:attr:`TensorLayout.backend_layout`).
"""

from __future__ import annotations

from typing import Any, Sequence

import jax


class TensorLayout:
    """How one tensor is laid out on a :class:`DeviceMesh`.

    Args:
        axes: one entry per tensor dimension: a mesh axis name, or ``None`` to keep it whole.
        device_mesh: the mesh; may be set later, once (a ``LayoutMap`` sets its own).

    Example:
        >>> import strata
        >>> mesh = strata.distribution.DeviceMesh((1,), ["model"], devices=["cpu:0"])
        >>> strata.distribution.TensorLayout((None, "model"), mesh).backend_layout.spec
        P(None, 'model')
    """

    def __init__(self, axes: Sequence[str | None], device_mesh: Any = None) -> None:
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self) -> Any:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: Any) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                f"Cannot override device mesh value. Existing value is {self._device_mesh}. "
                "Create a new TensorLayout for another mesh."
            )
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def backend_layout(self) -> jax.sharding.NamedSharding:
        """The ``NamedSharding`` for this layout (needs a mesh)."""
        if self._device_mesh is None:
            raise ValueError(
                f"The TensorLayout with axes={self._axes} has no device mesh yet. Pass `device_mesh=` "
                "or add the layout to a LayoutMap, which sets its mesh."
            )
        return jax.sharding.NamedSharding(self._device_mesh.backend_mesh, jax.sharding.PartitionSpec(*self._axes))

    def _validate_axes(self) -> None:
        if self._device_mesh is None:
            return
        valid = set(self._device_mesh.axis_names)
        unknown = set(self._axes) - {None} - valid
        if unknown:
            raise ValueError(
                f"Invalid axis names for Layout. Valid axis names: {valid}, Got {set(self._axes) - {None}}"
            )

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh}>"

    __str__ = __repr__
