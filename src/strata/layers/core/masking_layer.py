"""``Masking``: mark the timesteps whose features all equal ``mask_value`` as padding.

The layer zeroes those steps in its output and attaches the mask
``any(x != mask_value, axis=-1)`` to it (see :mod:`strata.core.masking`), so the layers downstream
that consume masks — recurrent layers, ``GlobalAveragePooling1D``, the loss — skip them.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.core import masking
from strata.layers.layer import Layer


class Masking(Layer):
    """Masks timesteps equal to ``mask_value`` in every feature (``keras.layers.Masking``).

    Args:
        mask_value: the padding value (default ``0.0``).

    Example:
        >>> import numpy as np
        >>> x = np.array([[[1.0], [0.0], [2.0]]], "float32")
        >>> Masking()(x)[0, :, 0].tolist()
        [1.0, 0.0, 2.0]
    """

    _config_args = ("mask_value",)

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = jnp.where(jnp.broadcast_to(keep, inputs.shape), inputs, jnp.zeros((), inputs.dtype))
        masking.set_keras_mask(outputs, jnp.squeeze(keep, -1))
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
