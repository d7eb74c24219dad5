"""``ModelParallel``: variables laid out by a :class:`LayoutMap`, batches split along one mesh axis.

On a 2-D mesh ``("batch", "model")`` a Dense kernel laid out ``(None, "model")`` is split by output
columns: each device along ``"model"`` holds some of the units and computes those outputs, while
batches are split along ``"batch"``.  XLA inserts the communication the layouts imply.  Variables
the map does not name are replicated; optimizer slots follow their variable.
"""

from __future__ import annotations

from typing import Any

from strata.distribution.base import Distribution, replicated_layout
from strata.distribution.layout_map import LayoutMap
from strata.distribution.tensor_layout import TensorLayout


class ModelParallel(Distribution):
    """Lay variables out by path; split batches along ``batch_dim_name``.

    Args:
        layout_map: a :class:`LayoutMap`; its mesh is the distribution's mesh.
        batch_dim_name: the mesh axis batches are split along; defaults to the mesh's first axis.
        auto_shard_dataset: Keras's flag (see :class:`Distribution`).

    Example:
        >>> import strata
        >>> mesh = strata.distribution.DeviceMesh((1, 1), ["batch", "model"], devices=["cpu:0"])
        >>> layouts = strata.distribution.LayoutMap(mesh)
        >>> layouts["d1/kernel"] = (None, "model")
        >>> strata.distribution.ModelParallel(layout_map=layouts).batch_dim_name
        'batch'
    """

    def __init__(self, *, layout_map: LayoutMap | None = None, batch_dim_name: str | None = None,
                 auto_shard_dataset: bool = True, **kwargs: Any) -> None:
        kwargs.pop("device_mesh", None)
        if layout_map is None:
            raise ValueError("You must specify a layout_map argument.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"Argument `layout_map` must be a `LayoutMap` instance. Received: layout_map={layout_map}")
        mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"`batch_dim_name` must be an axis of the layout map's mesh {mesh.axis_names}. "
                f"Received: batch_dim_name={batch_dim_name!r}"
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The variable's own ``_layout``, else the map's layout for its path, else replicated."""
        own = getattr(variable, "_layout", None)
        if own is not None:
            return own
        layout = self._layout_map[variable.path]
        return layout if layout is not None else replicated_layout(variable, self.device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]
