"""``LayoutMap``: variable paths (regular expressions) to tensor layouts, for ``ModelParallel``.

A lookup tries the exact key first, then every key as a regular expression that must match the
whole path (``re.fullmatch``): ``"d1/kernel"`` or ``".*dense.*/kernel"``.  A path matched by two keys
is an error (the layout would be ambiguous); a path matched by none gets ``None`` (replicated).
"""

from __future__ import annotations

import collections
import collections.abc
import re
from typing import Any, Iterator

from strata.distribution.tensor_layout import TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict of path patterns to :class:`TensorLayout`\\ s on one device mesh.

    Args:
        device_mesh: the mesh every layout in the map lives on.

    Example:
        >>> import strata
        >>> mesh = strata.distribution.DeviceMesh((1,), ["model"], devices=["cpu:0"])
        >>> layouts = strata.distribution.LayoutMap(mesh)
        >>> layouts[".*dense.*/kernel"] = (None, "model")
        >>> layouts["my_dense_1/kernel"].axes
        (None, 'model')
        >>> layouts["my_dense_1/bias"] is None
        True
    """

    def __init__(self, device_mesh: Any) -> None:
        self._layouts: "collections.OrderedDict[str, TensorLayout]" = collections.OrderedDict()
        self._device_mesh = device_mesh

    @property
    def device_mesh(self) -> Any:
        return self._device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        if key in self._layouts:
            return self._layouts[key]
        matches = [pattern for pattern in self._layouts if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches multiple layout specification keys: {matches}. Please make sure "
                "each tensor/variable path only matches at most one layout specification key in the LayoutMap."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: Any) -> None:
        if key in self._layouts:
            raise ValueError(
                f"{key} already exist in the LayoutMap with value {self._layouts[key]}. Please make sure "
                "to not use duplicated keys."
            )
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(tuple(layout))
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"{layout} should be a TensorLayout type, got {type(layout)}. Pass a TensorLayout or a "
                "tuple of mesh axis names (None for a dimension kept whole)."
            )
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)
