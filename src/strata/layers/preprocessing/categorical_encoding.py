"""Turning integer indices into one-hot, multi-hot or count vectors, as Keras's encoders do.

One function serves both worlds: the host-side layers (lookups, ``Hashing``) pass NumPy as
``xp``, the jittable ones (``CategoryEncoding``, ``Discretization``) pass ``jax.numpy``.  Indices
outside ``[0, depth)`` contribute nothing, the way ``one_hot`` and ``bincount`` drop them.

Shapes follow Keras: a scalar becomes one sample; ``one_hot`` drops a trailing axis of size 1
before adding the depth axis; ``multi_hot``/``count`` reduce axis 1 of a batch (axis 0 of a 1-D
input, which is one sample).
"""

from __future__ import annotations

from typing import Any

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def check_output_mode(layer_name: str, output_mode: Any, allowed: tuple[str, ...]) -> str:
    """``output_mode`` with Keras's aliases resolved, or a ``ValueError`` listing ``allowed``."""
    aliases = {"binary": "multi_hot", "tf-idf": "tf_idf"}
    mode = aliases.get(output_mode, output_mode) if isinstance(output_mode, str) else output_mode
    if mode not in allowed:
        raise ValueError(
            f"Unknown value for `output_mode` argument of {layer_name}. Allowed values are: {allowed}. "
            f"Received: output_mode={output_mode}"
        )
    return mode


def one_hot(xp: Any, indices: Any, depth: int, dtype: Any) -> Any:
    """``indices`` with a new last axis of ``depth`` holding 1 at each index (0 when out of range)."""
    classes = xp.reshape(xp.arange(depth), (1,) * indices.ndim + (depth,))
    return (xp.expand_dims(indices, -1) == classes).astype(dtype)


def encode_categorical(xp: Any, indices: Any, output_mode: str, depth: int, dtype: Any,
                       count_weights: Any = None) -> Any:
    """Encode integer ``indices`` for ``output_mode`` (``int``, ``one_hot``, ``multi_hot``, ``count``)."""
    indices = xp.asarray(indices)
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = xp.reshape(indices, (1,))
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = xp.reshape(indices, indices.shape[:-1])
        return one_hot(xp, indices, depth, dtype)
    encoded = one_hot(xp, indices, depth, dtype)
    axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        return xp.max(encoded, axis=axis)
    if count_weights is not None:
        weights = xp.asarray(count_weights).astype(dtype)
        encoded = encoded * xp.expand_dims(weights, -1)
    return xp.sum(encoded, axis=axis).astype(dtype)


def encoded_shape(input_shape: tuple, output_mode: str, depth: int | None) -> tuple:
    """The output shape of :func:`encode_categorical` for inputs of ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)
