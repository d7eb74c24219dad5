"""``IntegerLookup``: integer tokens to contiguous indices through a vocabulary (host-side)."""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to indices (``keras.layers.IntegerLookup``), on the host.

    Args:
        max_tokens: the most indices the vocabulary may hold (mask and OOV slots included).
        num_oov_indices: how many slots unknown integers share (``value % n`` picks one, or a
            FarmHash bucket of the decimal text with ``oov_method="farmhash"``).
        mask_token: an integer that maps to index 0 (``None``: no mask).
        oov_token: the value ``get_vocabulary``/``invert`` show for unknown tokens (default -1).
        vocabulary: a list of integers, or the path of a text file with one per line.
        vocabulary_dtype: only ``"int64"``.
        idf_weights: the IDF weights of ``vocabulary`` for ``output_mode="tf_idf"``.
        invert: map indices back to tokens instead.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        sparse: must stay ``False`` (sparse outputs need TensorFlow).
        pad_to_max_tokens: make encoded outputs ``max_tokens`` wide.
        oov_method: ``"floormod"`` or ``"farmhash"``.
        salt: a key (int or pair of ints) for the FarmHash OOV method.

    Example:
        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer([[12, 1138, 42], [42, 1000, 36]]).tolist()
        [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64",
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int", sparse: bool = False,
                 pad_to_max_tokens: bool = False, oov_method: str = "floormod", salt: Any = None,
                 name: str | None = None, **kwargs: Any) -> None:
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                             f"vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token), vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens,
                         oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _to_tokens(self, inputs: Any) -> np.ndarray:
        array = np.asarray(inputs)
        if array.dtype.kind not in "iub" and not (array.dtype == object and all(
                isinstance(v, (int, np.integer)) for v in array.reshape(-1))):
            raise TypeError(f"IntegerLookup layer '{self.name}' expects integer inputs. Received: an array "
                            f"of dtype {array.dtype}. Use StringLookup for strings, or cast the inputs.")
        return array.astype(np.int64).astype(object)

    def _file_token(self, line: str) -> int:
        return int(line)

    def get_config(self) -> dict:
        config = super().get_config()
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
