"""``StringLookup``: strings to integer indices through a vocabulary (host-side, NumPy)."""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.layers.preprocessing.host_layer import as_text_array
from strata.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to indices (``keras.layers.StringLookup``), on the host.

    Args:
        max_tokens: the most indices the vocabulary may hold (mask and OOV slots included).
        num_oov_indices: how many slots unknown strings share (FarmHash picks one when >1).
        mask_token: a string that maps to index 0 (``None``: no mask).
        oov_token: the token ``get_vocabulary``/``invert`` show for unknown strings.
        vocabulary: a list of strings, or the path of a text file with one per line.
        idf_weights: the IDF weights of ``vocabulary`` for ``output_mode="tf_idf"``.
        invert: map indices back to strings instead.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: make encoded outputs ``max_tokens`` wide.
        sparse: must stay ``False`` (sparse outputs need TensorFlow).
        encoding: the text encoding of ``bytes`` inputs.
        salt: a key (int or pair of ints) for the OOV hash.

    The layer returns NumPy arrays: int64 indices, float32 encodings, or strings when inverted.

    Example:
        >>> layer = StringLookup(vocabulary=["a", "b", "c"])
        >>> layer([["a", "c"], ["d", "b"]]).tolist()
        [[1, 3], [0, 2]]
    """

    _config_args = tuple(a for a in IndexLookup._config_args if a != "vocabulary_dtype") + ("encoding",)

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None,
                 invert: bool = False, output_mode: str = "int", pad_to_max_tokens: bool = False,
                 sparse: bool = False, encoding: str = "utf-8", name: str | None = None, salt: Any = None,
                 **kwargs: Any) -> None:
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse,
                         name=name, salt=salt, vocabulary_dtype="string", **kwargs)

    def _to_tokens(self, inputs: Any) -> np.ndarray:
        return as_text_array(inputs, self.encoding)

    def _sort_key(self, token: str) -> bytes:
        return token.encode("utf-8")

    def compute_output_dtype(self) -> str:
        return "string" if self.invert else super().compute_output_dtype()
