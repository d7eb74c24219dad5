"""``Softmax``: normalize inputs to probabilities along an axis, optionally masked."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata import activations
from strata.layers.layer import Layer


def _large_negative(dtype: Any) -> float:
    """A logit that vanishes under softmax but stays finite in ``dtype`` (Keras's choice)."""
    return -3e4 if jnp.dtype(dtype) == jnp.float16 else -1e9


class Softmax(Layer):
    """Softmax activation as a layer (``keras.layers.Softmax``).

    Args:
        axis: the axis (an int) or axes (a list of ints) to normalize over (default ``-1``).

    Call arguments:
        inputs: the logits.
        mask: optional booleans (or numbers, kept where ``> 0.5``) broadcastable to ``inputs``;
            masked positions get probability 0 and the rest share the mass.

    Example:
        >>> import numpy as np
        >>> Softmax()(np.zeros((1, 3), "float32"), mask=np.array([[True, True, False]])).tolist()
        [[0.5, 0.5, 0.0]]
    """

    _config_args = ("axis",)

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def _broadcast_mask(self, mask: Any, inputs: jax.Array) -> jax.Array:
        mask = jnp.asarray(mask)
        fits = mask.ndim <= inputs.ndim and all(
            m in (1, i) for m, i in zip(mask.shape[::-1], inputs.shape[::-1]))
        if not fits:
            raise ValueError(
                f"The `mask` of Softmax layer '{self.name}' must be broadcastable to `inputs`: it may not "
                "have more dimensions, and each mask dimension must be 1 or match the input dimension "
                f"(aligned from the right). Received: inputs.shape={tuple(inputs.shape)}, "
                f"mask.shape={tuple(mask.shape)}"
            )
        if mask.dtype != jnp.bool_:
            mask = mask > jnp.asarray(0.5, mask.dtype)
        mask = jnp.reshape(mask, (1,) * (inputs.ndim - mask.ndim) + mask.shape)
        return jnp.broadcast_to(mask, inputs.shape)

    def call(self, inputs: jax.Array, mask: Any = None) -> jax.Array:
        if mask is not None:
            mask = self._broadcast_mask(mask, inputs)
            inputs = jnp.where(mask, inputs, jnp.asarray(_large_negative(inputs.dtype), inputs.dtype))
        axis = self.axis
        if isinstance(axis, (list, tuple)):
            axis = axis[0] if len(axis) == 1 else tuple(axis)
        if isinstance(axis, tuple):
            outputs = jnp.exp(inputs - jax.nn.logsumexp(inputs, axis=axis, keepdims=True))
        else:
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = jnp.where(mask, outputs, jnp.zeros((), outputs.dtype))
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
