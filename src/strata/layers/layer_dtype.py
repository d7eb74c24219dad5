"""The dtype side of a layer: its dtype policy and the autocast rule its calls follow.

A layer holds a :class:`~strata.mixed_precision.DTypePolicy`: its weights are created in the
policy's ``variable_dtype`` and it computes in ``compute_dtype`` (float16 under
``"mixed_float16"``).  While a layer runs, float variables are read cast to its compute dtype
(Keras's AutocastScope); :meth:`DtypePolicyMixin._autocast_target` says which dtype that is for a
call, following Keras's rules for layers nested in other layers' calls.

Example:
    >>> from strata import layers
    >>> dense = layers.Dense(2, dtype="mixed_float16")
    >>> dense.dtype, dense.compute_dtype, dense.variable_dtype
    ('float32', 'float16', 'float32')
"""

from __future__ import annotations

from typing import Any

from strata.core.variable import autocast_dtype
from strata.mixed_precision import policies as dtype_policies


class DtypePolicyMixin:
    """``dtype``, ``compute_dtype``, ``variable_dtype`` and ``dtype_policy`` of :class:`Layer`.

    Expects ``_dtype_policy``, ``_dtype`` and ``autocast``, which ``Layer.__init__`` sets.
    """

    @property
    def dtype(self) -> str:
        """The variable dtype (Keras's alias of ``variable_dtype``)."""
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in (float16 under ``"mixed_float16"``)."""
        policy = self._dtype_policy
        return policy.compute_dtype if policy.variable_dtype == self._dtype else self._dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's weights."""
        return self._dtype

    @property
    def dtype_policy(self) -> Any:
        """The layer's :class:`~strata.mixed_precision.DTypePolicy`."""
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._dtype_policy = dtype_policies.get(value)
        self._dtype = self._dtype_policy.variable_dtype

    def _autocast_target(self) -> Any:
        """The autocast dtype while this layer runs (Keras's AutocastScope rules), or ``...``: keep."""
        current = autocast_dtype()
        compute = self.compute_dtype
        if current is not None:
            if not self.autocast or not dtype_policies.is_float(compute):
                return None
            return compute if current != compute else ...
        return compute if compute != self._dtype and dtype_policies.is_float(compute) else ...
