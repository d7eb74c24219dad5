"""``CategoryEncoding``: integer category ids to one-hot, multi-hot or count vectors (jittable).

Pure ``jax.numpy``, so it runs inside a compiled model.  Ids outside ``[0, num_tokens)`` add
nothing (a row of zeros for ``one_hot``), as in Keras on its JAX backend.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.layer import Layer
from strata.layers.preprocessing.categorical_encoding import encode_categorical, encoded_shape


class CategoryEncoding(Layer):
    """Encodes integer features (``keras.layers.CategoryEncoding``).

    Args:
        num_tokens: the number of categories; ids must lie in ``[0, num_tokens)``.
        output_mode: ``"multi_hot"`` (default; ``"binary"`` is an alias), ``"one_hot"`` or
            ``"count"``.
        sparse: must stay False (strata returns dense arrays).

    ``call(inputs, count_weights=None)``: with ``output_mode="count"``, ``count_weights`` (same
    shape as ``inputs``) weights each occurrence.

    Example:
        >>> layer = CategoryEncoding(num_tokens=4, output_mode="multi_hot")
        >>> layer([[0, 1], [0, 0], [1, 2], [3, 1]]).tolist()
        [[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """

    _config_args = ("num_tokens", "output_mode")

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}. `output_mode` must be one of "
                             "'count', 'one_hot', 'multi_hot'.")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, use the IntegerLookup layer instead.")
        if isinstance(num_tokens, bool) or int(num_tokens) < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError("`sparse=True` is not supported by strata's CategoryEncoding (it returns dense "
                             "arrays). Received: sparse=True. Use the default `sparse=False`.")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("`count_weights` is not used when `output_mode` is not `'count'`. "
                             f"Received `count_weights={count_weights}`.")
        inputs = jnp.asarray(inputs)
        if jnp.issubdtype(inputs.dtype, jnp.floating):
            inputs = inputs.astype("int32")
        return encode_categorical(jnp, inputs, self.output_mode, self.num_tokens, self.compute_dtype,
                                  count_weights=count_weights)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot":
            return encoded_shape(input_shape, "one_hot", self.num_tokens)
        return input_shape[:-1] + (self.num_tokens,)
