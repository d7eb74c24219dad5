"""The ``Distribution`` base class and the global setting (``set_distribution`` / ``distribution()``).

A distribution answers three questions for the training programs: the layout of a batch
(:meth:`Distribution.get_data_layout`: split along ``batch_dim_name``), of each variable
(:meth:`Distribution.get_variable_layout`) and of intermediate tensors.  strata's ``fit``,
``evaluate`` and ``predict`` read the global setting when they place the state and the data
(:mod:`strata.distribution.placement`); XLA's SPMD partitioner does the rest.

The setting is global (``None`` by default); ``with dist.scope():`` sets it for a block only.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import jax

from strata.distribution.tensor_layout import TensorLayout

_GLOBAL: list = [None]


class Distribution:
    """Base class: a device mesh, the name of its batch axis, and the layout rules.

    Args:
        device_mesh: the :class:`DeviceMesh`.
        batch_dim_name: the mesh axis that batches are split along.
        auto_shard_dataset: Keras's flag for splitting input pipelines between processes (kept
            for compatibility; strata's in-memory data is the same global array in every process).
    """

    def __init__(self, device_mesh: Any, batch_dim_name: str, auto_shard_dataset: bool = True) -> None:
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_process = jax.process_count()
        self._process_id = jax.process_index()
        self._is_multi_process = self._num_process > 1

    @property
    def device_mesh(self) -> Any:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value: bool) -> None:
        self._auto_shard_dataset = value

    @property
    def num_processes(self) -> int:
        return self._num_process

    @property
    def num_model_replicas(self) -> int:
        """How many slices a batch is split into (the size of the batch axis)."""
        return self._device_mesh.axis_size(self._batch_dim_name)

    def get_data_layout(self, data_shape: tuple) -> TensorLayout:
        """Batches: dimension 0 along the batch axis, the rest whole."""
        axes = [None] * len(data_shape)
        if axes:
            axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        raise NotImplementedError(f"{type(self).__name__} must implement `get_variable_layout`.")

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return None

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Make this the global distribution inside a ``with`` block."""
        previous = _GLOBAL[0]
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self._device_mesh}, batch_dim_name={self._batch_dim_name!r}>"

    __str__ = __repr__


def replicated_layout(variable: Any, mesh: Any) -> TensorLayout:
    """Every device holds the whole variable."""
    return TensorLayout([None] * len(variable.shape), mesh)


def set_distribution(value: Distribution | None) -> None:
    """Set the global distribution (``None`` goes back to one device).

    Example:
        >>> import strata
        >>> strata.distribution.set_distribution(None)
        >>> strata.distribution.distribution() is None
        True
    """
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            "`set_distribution` expects a Distribution such as DataParallel or ModelParallel, or None. "
            f"Received: value={value!r} (of type {type(value).__name__})"
        )
    _GLOBAL[0] = value


def distribution() -> Distribution | None:
    """The global distribution, or ``None`` when none is set."""
    return _GLOBAL[0]


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """Place ``tensor`` as ``layout`` says (a constraint when called inside a compiled function).

    Args:
        tensor: an array.
        layout: a :class:`TensorLayout` (or a ``jax.sharding.Sharding``).
    """
    sharding = layout.backend_layout if isinstance(layout, TensorLayout) else layout
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    return jax.device_put(tensor, sharding)
