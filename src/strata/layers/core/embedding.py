"""``Embedding``: integer ids to dense vectors, by row lookup in a trainable table.

Row ``i`` of the ``(input_dim, output_dim)`` table ``embeddings`` is the vector of id ``i``.  With
``mask_zero=True`` id 0 is reserved for padding: the layer attaches the mask ``ids != 0`` to its
output (see :mod:`strata.core.masking`), so recurrent layers skip the padded steps and the loss
ignores them.  An id outside ``[0, input_dim)`` gives a row of NaN inside a compiled program, as
Keras on JAX does; ``fit``/``predict`` check the ids on the host first and say which id is too large.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.layers.layer import Layer


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r} (of type {type(value).__name__})."
        )
    return int(value)


class Embedding(Layer):
    """Turns non-negative integer ids into dense vectors (``keras.layers.Embedding``).

    Args:
        input_dim: size of the vocabulary (largest id + 1).
        output_dim: size of each vector.
        embeddings_initializer: initializer of the table (default uniform in ``[-0.05, 0.05]``).
        embeddings_regularizer, embeddings_constraint: optional regularizer and constraint.
        mask_zero: whether id 0 is padding, masked for the layers downstream.
        weights: optional initial table, a list holding one ``(input_dim, output_dim)`` array.

    Example:
        >>> import numpy as np
        >>> layer = Embedding(10, 4, mask_zero=True)
        >>> layer(np.array([[3, 1, 0]])).shape
        (1, 3, 4)
    """

    _config_args = ("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                    "embeddings_constraint", "mask_zero", "quantization_config")

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None,
                 mask_zero: bool = False, weights: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, **kwargs: Any) -> None:
        kwargs.pop("quantization_config", None)
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:  # tf.keras 2 argument; Keras 3 warns and ignores it
            import warnings

            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        if lora_rank is not None:
            raise ValueError(
                f"LoRA is not supported by strata's Embedding yet. Received: lora_rank={lora_rank}. "
                "Remove `lora_rank` (and `lora_alpha`).")
        self.input_dim = _positive_int("input_dim", input_dim)
        self.output_dim = _positive_int("output_dim", output_dim)
        self.mask_zero = bool(mask_zero)
        self.quantization_config = None
        self.store_arguments(embeddings_initializer=embeddings_initializer,
                             embeddings_regularizer=embeddings_regularizer,
                             embeddings_constraint=embeddings_constraint)
        self.supports_masking = self.mask_zero
        if weights is not None:
            self.build(None)
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape: Any = None) -> None:
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs: Any) -> Any:
        if not jnp.issubdtype(inputs.dtype, jnp.integer):
            inputs = inputs.astype(jnp.int32)
        return jnp.take(self.embeddings.value, inputs, axis=0).astype(self.compute_dtype)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return jnp.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.setdefault("activity_regularizer", None)  # Keras's Embedding always records it
        return config

    def check_input_values(self, ids: np.ndarray, argument: str) -> None:
        """Refuse ids outside ``[0, input_dim)`` before any compiled step (called on host data)."""
        if ids.size == 0 or not np.issubdtype(ids.dtype, np.number):
            return
        largest, smallest = ids.max().item(), ids.min().item()
        if largest >= self.input_dim or smallest < 0:
            bad = largest if largest >= self.input_dim else smallest
            raise ValueError(
                f"Embedding layer '{self.name}' has input_dim={self.input_dim}, so it accepts ids 0 to "
                f"{self.input_dim - 1}, but `{argument}` holds the id {bad!r}"
                + (f" (largest id seen: {largest!r})" if bad == largest else "")
                + f". Set `input_dim` to at least {int(largest) + 1} (the vocabulary size, largest id + 1)"
                + (", and make sure padding and unknown words use ids inside that range." if bad == largest
                   else "; ids must not be negative.")
            )
