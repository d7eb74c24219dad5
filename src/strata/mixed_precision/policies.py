"""``DTypePolicy``: which dtype a layer stores its weights in and which it computes in.

A policy is named after a dtype (``"float32"``: weights and computation in float32) or a mixed
setting: ``"mixed_float16"`` and ``"mixed_bfloat16"`` keep the weights in float32 (the *variable
dtype*) and compute in float16 or bfloat16 (the *compute dtype*).  A layer casts its floating
inputs to its compute dtype on entry, and reads its float variables cast to the compute dtype
while it runs (:func:`strata.core.variable.autocast_scope`), so its outputs come out in the compute
dtype.  The stored weights and the optimizer's updates stay in float32.

Every layer built without ``dtype=`` takes the global policy (:func:`set_global_policy`), which
defaults to ``floatx()``.  As in Keras, the global policy applies to layers created *after* it is
set, and the last layer's outputs are not cast back: give it ``dtype="float32"`` for float32
probabilities.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import config

_MIXED = {"mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32")}
_global_policy: "DTypePolicy | None" = None


def _dtype_name(name: Any) -> str:
    from strata.core.variable import standardize_dtype

    return standardize_dtype(name)


class DTypePolicy:
    """A dtype policy for a layer (``keras.DTypePolicy``, alias ``keras.mixed_precision.Policy``).

    Args:
        name: ``"mixed_float16"``, ``"mixed_bfloat16"``, or a dtype name such as ``"float32"``;
            ``None`` takes the global policy's name.

    Example:
        >>> policy = DTypePolicy("mixed_float16")
        >>> policy.compute_dtype, policy.variable_dtype
        ('float16', 'float32')
        >>> policy
        <DTypePolicy "mixed_float16">
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = global_policy().name
        if not isinstance(name, str):
            raise TypeError(
                "'name' must be a string, such as 'mixed_float16'. "
                f"Received: name={name} (of type {type(name)})"
            )
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse(name)

    @staticmethod
    def _parse(name: str) -> tuple[str, str]:
        if name in _MIXED:
            return _MIXED[name]
        try:
            dtype = _dtype_name(name)
        except (TypeError, ValueError):
            dtype = None
        if dtype is None:
            raise ValueError(
                f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
                "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as 'float32'."
            )
        return dtype, dtype

    @property
    def name(self) -> str:
        """The policy's name (``"mixed_float16"``)."""
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype a layer computes in (its inputs are cast to it; its outputs come out in it)."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype a layer creates its weights in."""
        return self._variable_dtype

    @property
    def quantization_mode(self) -> None:
        """Always ``None``: strata has no quantized policies."""
        return None

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> "DTypePolicy":
        return cls(**config)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other: Any) -> bool:
        return type(other) is DTypePolicy and other._name == self._name

    def __hash__(self) -> int:
        return hash(("DTypePolicy", self._name))


Policy = DTypePolicy  # Keras's legacy alias (``keras.mixed_precision.Policy``)


def serialize(policy: DTypePolicy) -> dict:
    """The policy as Keras writes it in a layer config (the ``"dtype"`` entry)."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(),
            "registered_name": None}


def get(identifier: Any) -> DTypePolicy:
    """A policy from ``None`` (the global policy), a name, a dtype, a config dict or a policy.

    Example:
        >>> get({"class_name": "DTypePolicy", "config": {"name": "mixed_bfloat16"}}).compute_dtype
        'bfloat16'
    """
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        if identifier.get("class_name") in ("DTypePolicy", "FloatDTypePolicy", "Policy"):
            return DTypePolicy.from_config(dict(identifier.get("config") or {}))
        raise ValueError(
            "Cannot interpret `dtype` argument: a dict must be a serialized DTypePolicy such as "
            "{'class_name': 'DTypePolicy', 'config': {'name': 'mixed_float16'}}. "
            f"Received: dtype={identifier!r}"
        )
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(_dtype_name(identifier))
    except (TypeError, ValueError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
            f"Received: dtype={identifier!r}"
        ) from None


def set_global_policy(policy: Any) -> None:
    """Set the policy of every layer created from now on without ``dtype=``.

    Args:
        policy: a policy name (``"mixed_float16"``, ``"mixed_bfloat16"``, ``"float32"``) or a
            ``DTypePolicy``.

    Example:
        >>> set_global_policy("mixed_bfloat16")
        >>> global_policy()
        <DTypePolicy "mixed_bfloat16">
        >>> set_global_policy("float32")
    """
    global _global_policy
    if isinstance(policy, str):
        policy = DTypePolicy(policy)
    if not isinstance(policy, DTypePolicy):
        raise ValueError(
            "Invalid `policy` argument. Expected the string name of a policy (such as 'mixed_float16') "
            f"or a `DTypePolicy` instance. Received: policy={policy} (of type {type(policy)})"
        )
    _global_policy = policy


def global_policy() -> DTypePolicy:
    """The global policy: the one set last, else the ``floatx()`` policy (``"float32"``)."""
    if _global_policy is not None:
        return _global_policy
    return DTypePolicy(config.floatx())


def is_float(dtype: str) -> bool:
    """Whether ``dtype`` names a floating dtype (bfloat16 included)."""
    return dtype in ("float16", "bfloat16", "float32", "float64") or (
        dtype.startswith("float") and np.issubdtype(np.dtype(dtype), np.floating))
