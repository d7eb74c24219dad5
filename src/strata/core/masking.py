"""Keras masks: a boolean ``(batch, timesteps)`` array riding along with a tensor.

Keras attaches the mask of a padded sequence to the tensor itself (``x._keras_mask``): an
``Embedding(mask_zero=True)`` or a ``Masking`` layer sets it on its output, each layer that
``supports_masking`` passes it on (or transforms it with ``compute_mask``), and a layer whose
``call`` takes ``mask=`` receives it without the user passing anything — an RNN then skips padded
steps, a pooling layer averages the real ones only, and the loss and metrics ignore them.

JAX arrays and tracers do not take new attributes, so strata keeps the association in a side
table keyed by the tensor's identity.  An entry lives exactly as long as its tensor: the table holds
only a weak reference to the tensor and drops the entry when the tensor is collected, so an id that
Python reuses can never find a stale mask.  The same code works eagerly, under ``jax.jit`` tracing
and under ``jax.eval_shape``, because tracers are objects with identities too.
"""

from __future__ import annotations

import weakref
from typing import Any

# id(tensor) -> (weak reference to the tensor, its mask)
_masks: dict[int, tuple[weakref.ref, Any]] = {}


def _forget(key: int, ref: weakref.ref) -> None:
    entry = _masks.get(key)
    if entry is not None and entry[0] is ref:
        del _masks[key]


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to tensor ``x`` (``None`` detaches it); non-tensors are left alone."""
    key = id(x)
    if mask is None:
        _masks.pop(key, None)
        return
    try:
        ref = weakref.ref(x, lambda r, key=key: _forget(key, r))
    except TypeError:  # Python scalars, lists, None: nothing to attach to (Keras ignores them too)
        return
    _masks[key] = (ref, mask)


def get_keras_mask(x: Any) -> Any:
    """The mask attached to tensor ``x``, or ``None``."""
    entry = _masks.get(id(x))
    if entry is None or entry[0]() is not x:
        return None
    return entry[1]


def masks_of(structure: Any) -> Any:
    """The masks attached to the tensors of ``structure`` (same structure, ``None`` leaves)."""
    if isinstance(structure, (list, tuple)):
        return [get_keras_mask(x) for x in structure]
    if isinstance(structure, dict):
        return {k: get_keras_mask(v) for k, v in structure.items()}
    return get_keras_mask(structure)


def any_mask(masks: Any) -> bool:
    """Whether any mask of :func:`masks_of`'s result is set."""
    if isinstance(masks, (list, tuple)):
        return any(m is not None for m in masks)
    if isinstance(masks, dict):
        return any(m is not None for m in masks.values())
    return masks is not None


def combine_masks(first: Any, second: Any) -> Any:
    """Logical AND of two optional boolean masks (``None`` means "everything kept")."""
    if first is None:
        return second
    if second is None:
        return first
    import jax.numpy as jnp

    return jnp.logical_and(first, second)
