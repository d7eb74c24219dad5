"""``IndexLookup``: the shared machinery of ``StringLookup`` and ``IntegerLookup`` (host-side).

A lookup maps each token to an integer index through a vocabulary laid out as Keras lays it out:

* index 0 is the mask token (only with ``mask_token`` set and ``output_mode="int"``);
* then ``num_oov_indices`` out-of-vocabulary slots; unknown tokens go to the only slot, or are
  spread over several by ``floormod`` (integers) or a FarmHash bucket (strings);
* then the learned or given tokens.

``adapt`` counts tokens and keeps them by count (high to low), ties broken by the token's sort
order (high to low, comparing UTF-8 bytes), which is what Keras's ``np.lexsort`` gives.  For
``tf_idf`` it also counts documents and computes ``log(1 + n_docs / (1 + doc_count))``.

The vocabulary is not a weight: when a model is saved it goes to ``assets/<path>/vocabulary.txt``
(``save_assets``/``load_assets``), and ``tf_idf`` weights to the ``idf_weights`` entry of the
layer's weights group, as Keras stores them.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import numpy as np

from strata import config as strata_config
from strata.layers.preprocessing.categorical_encoding import check_output_mode, encode_categorical, encoded_shape
from strata.layers.preprocessing.host_layer import HostLayer
from strata.layers.preprocessing.adapt_data import adapt_batches
from strata.layers.preprocessing.string_hash import hash_buckets
from strata.layers.preprocessing.token_counter import TokenCounter

_INT64_MAX = np.iinfo(np.int64).max


class IndexLookup(HostLayer):
    """Base class of the lookup layers; subclasses fix the token type (see the module docstring)."""

    _config_args = ("invert", "max_tokens", "num_oov_indices", "oov_token", "mask_token", "output_mode",
                    "sparse", "pad_to_max_tokens", "vocabulary_dtype", "idf_weights", "vocabulary",
                    "vocabulary_size", "oov_method", "salt")

    def __init__(self, max_tokens: int | None, num_oov_indices: int, mask_token: Any, oov_token: Any,
                 vocabulary_dtype: str, vocabulary: Any = None, idf_weights: Any = None,
                 invert: bool = False, output_mode: str = "int", sparse: bool = False,
                 pad_to_max_tokens: bool = False, oov_method: str = "floormod", salt: Any = None,
                 vocabulary_size: int | None = None, has_input_vocabulary: bool | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("dtype", None)
        super().__init__(**kwargs)
        kind = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"Unknown value for `oov_method` in {kind}. It should be one of 'floormod', "
                             f"'farmhash'. Received: oov_method={oov_method!r}")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError("`salt` can only be used when `oov_method='farmhash'`. "
                                 f"Received: oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError(f"The `salt` argument for `{kind}` can only be a tuple of 2 integers, or a "
                                 f"single integer. Received: salt={salt}.")
        output_mode = check_output_mode(kind, output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"))
        if invert and output_mode != "int":
            raise ValueError("`output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if sparse:
            raise ValueError(f"`sparse=True` is not supported by strata's {kind} (Keras supports it only on "
                             "the TensorFlow backend). Use the default `sparse=False` for dense outputs.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                             f"Received: idf_weights={idf_weights} and output_mode={output_mode}")
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = vocabulary_size
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = vocabulary is not None if has_input_vocabulary is None else has_input_vocabulary
        self._tokens: list[Any] = []
        self._index: dict[Any, int] = {}
        self._idf: np.ndarray | None = None
        if output_mode == "tf_idf":
            if self._has_input_vocabulary and idf_weights is None:
                raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                                 "`idf_weights` argument must also be provided.")
            if idf_weights is not None:
                self._idf = np.asarray(idf_weights, dtype=strata_config.floatx())
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()

    # -- token conversion (subclasses) -------------------------------------------------------------
    def _to_tokens(self, inputs: Any) -> np.ndarray:
        raise NotImplementedError

    def _sort_key(self, token: Any) -> Any:
        return token

    def _file_token(self, line: str) -> Any:
        return line

    # -- vocabulary layout -------------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The size of the vocabulary, mask and OOV slots included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary, index by index (mask and OOV tokens first unless excluded)."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    @property
    def vocabulary(self) -> Any:
        return self.input_vocabulary

    @property
    def idf_weights(self) -> Any:
        return None if self.input_idf_weights is None else np.asarray(self.input_idf_weights).tolist()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (a list/array of tokens, or the path of a file with one per line)."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                             f"output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
            with open(vocabulary, encoding="utf-8") as handle:
                self._install([self._file_token(line) for line in handle.read().splitlines()])
            return
        tokens = list(self._to_tokens(np.asarray(vocabulary) if not isinstance(vocabulary, list) else
                                      np.array(vocabulary, dtype=object)).reshape(-1))
        if not tokens:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = tokens[:token_start] == special
        if found_special:
            tokens = tokens[token_start:]
        repeated = [t for t, c in Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please uniquify your "
                             f"dataset. The repeated terms are: {repeated}")
        for name, token in (("mask", self.mask_token), ("OOV", self.oov_token)):
            if token is not None and token in tokens and (name == "mask" or self.invert):
                raise ValueError(
                    f"Found reserved {name} token at unexpected location in `vocabulary`. Note "
                    "that passed `vocabulary` does not need to include the OOV and mask tokens. Either remove "
                    "all mask and OOV tokens, or include them only at the start of the vocabulary in "
                    f"precisely this order: {special}. Received: {name.lower()}_token={token} at vocabulary index "
                    f"{tokens.index(token) + (token_start if found_special else 0)}")
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab size. Received "
                             f"vocabulary size is {token_start + len(tokens)}; `max_tokens` is {self.max_tokens}.")
        self._install(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights, dtype="float64")
            if len(weights) != len(tokens) + (token_start if found_special else 0):
                raise ValueError(f"`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                                 f"{len(weights)}; len(vocabulary) is {len(vocabulary)}")
            if weights.ndim != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array. Received: idf_weights={idf_weights}")
            front = 0 if found_special else token_start
            back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens else 0
            weights = np.pad(weights, (front, back), constant_values=(np.average(weights), 0))
            self._idf = weights.astype(strata_config.floatx())

    def _install(self, tokens: list) -> None:
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._index = {token: start + i for i, token in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _record_vocabulary_size(self) -> None:
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is not None
                and size != self._frozen_vocab_size and getattr(self, "_called", False)):
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the vocabulary "
                f"size cannot be changed after the layer is called. Old vocab size is "
                f"{self._frozen_vocab_size}, new vocab size is {size}")
        self._frozen_vocab_size = size

    # -- adapting ----------------------------------------------------------------------------------
    def reset_state(self) -> None:
        """Forget the counts gathered by ``update_state`` (the vocabulary stays)."""
        self._counter = TokenCounter(count_documents=self.output_mode == "tf_idf")

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and document frequencies for ``tf_idf``) from ``data``.

        ``data`` is a list or array of tokens (each row one document), or an iterable of such
        batches (``steps`` limits how many are read).
        """
        self.reset_state()
        for batch in adapt_batches(data, steps, expand_rank1=True):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch; ``data`` is an array, or a list of token lists (ragged)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                             "`vocabulary` argument or `set_vocabulary()` method.")
        if isinstance(data, list) and all(isinstance(row, list) for row in data):
            documents = [list(self._to_tokens(np.array(row, dtype=object)).reshape(-1)) if row else []
                         for row in data]
        else:
            tokens = self._to_tokens(data)
            if tokens.ndim <= 1:
                tokens = tokens.reshape(1, -1)
            documents = [list(row.reshape(-1)) for row in tokens]
        self._counter.update(documents)

    def finalize_state(self) -> None:
        """Turn the counts gathered by ``update_state`` into the vocabulary."""
        counter = self._counter
        if self._has_input_vocabulary or not counter.counts:
            self._record_vocabulary_size()
            return
        limit = self.max_tokens - self._token_start_index() if self.max_tokens else None
        tokens = counter.ranked([t for t in (self.mask_token, self.oov_token) if t is not None], limit,
                                self._sort_key)
        self._install(tokens)
        if self.output_mode == "tf_idf":
            idf = counter.inverse_document_frequency(tokens, strata_config.floatx())
            idf = np.pad(idf, (self._token_start_index(), 0), constant_values=np.mean(idf, dtype=idf.dtype))
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size))
            self._idf = idf.astype(strata_config.floatx())
        self.reset_state()

    # -- calling -----------------------------------------------------------------------------------
    def _lookup(self, tokens: np.ndarray) -> np.ndarray:
        if self.invert:
            return self._lookup_inverted(tokens)
        oov_start = self._oov_start_index()
        default = oov_start if self.num_oov_indices == 1 else -1
        flat = tokens.reshape(-1)
        table = self._index
        if self.mask_token is not None:  # the mask wins over any entry (its value never equals `default`)
            table = {**table, self.mask_token: 0 if self.output_mode == "int" else _INT64_MAX}
        out = np.fromiter((table.get(t, default) for t in flat), dtype=np.int64, count=flat.size)
        missing = out == -1
        if self.num_oov_indices == 0 and missing.any():
            raise ValueError(f"When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                             f"{list(flat[missing])}, consider setting `num_oov_indices=1`.")
        if self.num_oov_indices > 1 and missing.any():
            values = flat[missing]
            if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
                buckets = np.mod(values.astype(np.int64), self.num_oov_indices)
            else:
                buckets = hash_buckets(values, self.num_oov_indices, None if self.salt is None else tuple(self.salt))
            out[missing] = buckets + oov_start
        return out.reshape(tokens.shape)

    def _lookup_inverted(self, indices: np.ndarray) -> np.ndarray:
        start = self._token_start_index()
        flat = np.asarray(indices).astype(np.int64).reshape(-1)
        values = []
        for i in flat:
            if self.mask_token is not None and i == 0:
                values.append(self.mask_token)
            elif start <= i < start + len(self._tokens):
                values.append(self._tokens[i - start])
            else:
                values.append(self.oov_token)
        return self._to_tokens(np.array(values, dtype=object)).reshape(np.shape(indices))

    def _encode(self, indices: np.ndarray) -> np.ndarray:
        if self.output_mode == "int":
            return indices
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categorical(np, indices, mode, depth, strata_config.floatx())
        if self.output_mode == "tf_idf":
            out = out * self._idf.astype(out.dtype)
        return out

    def _check_ready(self) -> None:
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must set "
                "the layer's vocabulary before calling it. Either pass a `vocabulary` argument to the layer, "
                "or call `adapt` with some sample data.")

    def call(self, inputs: Any) -> np.ndarray:
        self._check_ready()
        self._called = True
        if self.invert:
            out = self._lookup(np.asarray(inputs).astype(np.int64))
            return out.astype(np.int64) if self.vocabulary_dtype != "string" else out
        return self._encode(self._lookup(self._to_tokens(inputs)))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        input_shape = tuple(input_shape)
        if self.output_mode in ("multi_hot", "count", "tf_idf"):
            return input_shape[:-1] + (depth,)
        return encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_dtype(self) -> str:
        if self.output_mode != "int":
            return strata_config.floatx()
        return self.vocabulary_dtype if self.invert else "int64"

    # -- saving ------------------------------------------------------------------------------------
    def save_assets(self, dir_path: str) -> None:
        """Write the vocabulary to ``dir_path/vocabulary.txt`` (unless given in the config)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(str(token) for token in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path: str) -> None:
        """Read the vocabulary written by :meth:`save_assets`."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = [self._file_token(line) for line in lines]
        idf = self._idf
        self.set_vocabulary(values, idf_weights=None if idf is None else idf[:len(values)])
        if idf is not None:
            self._idf = idf

    def save_own_arrays(self) -> dict[str, np.ndarray]:
        """Arrays stored by name in the layer's weights group (Keras's ``idf_weights``)."""
        if self.output_mode == "tf_idf" and self._idf is not None:
            return {"idf_weights": np.asarray(self._idf)}
        return {}

    def load_own_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        if self.output_mode == "tf_idf" and "idf_weights" in arrays:
            self._idf = np.asarray(arrays["idf_weights"], dtype=strata_config.floatx())

    def get_config(self) -> dict:
        config = super().get_config()
        config["vocabulary_size"] = self._frozen_vocab_size
        if isinstance(config.get("vocabulary"), np.ndarray):
            config["vocabulary"] = config["vocabulary"].tolist()
        return config

    def get_build_config(self) -> dict:
        return {}
