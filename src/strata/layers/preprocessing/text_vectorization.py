"""``TextVectorization``: raw strings to token indices or bag-of-words vectors (host-side).

Each string goes through ``standardize`` -> ``split`` -> ``ngrams`` (see :mod:`.text_ops`), then a
``StringLookup`` (kept as ``_lookup_layer``, mask ``""`` at index 0 and ``"[UNK]"`` at 1 in int
mode) maps tokens to indices.  ``output_mode="int"`` pads (with 0) or truncates every row to
``output_sequence_length``, or to the longest row of the batch when it is None; the other modes
count the tokens of each row into a vector as wide as the vocabulary (or ``max_tokens`` with
``pad_to_max_tokens``).  Everything runs in NumPy on the host; see :mod:`.host_layer`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import config as strata_config
from strata.layers.preprocessing import text_ops
from strata.layers.preprocessing.adapt_data import adapt_batches
from strata.layers.preprocessing.categorical_encoding import check_output_mode, encode_categorical
from strata.layers.preprocessing.host_layer import HostLayer, as_text_array
from strata.layers.preprocessing.string_lookup import StringLookup


class TextVectorization(HostLayer):
    """Turns strings into sequences of token indices or token-count vectors
    (``keras.layers.TextVectorization``), on the host.

    Args:
        max_tokens: the largest vocabulary (special tokens included); None for no limit.
        standardize: ``"lower_and_strip_punctuation"``, ``"lower"``, ``"strip_punctuation"``, None,
            or a callable taking and returning a NumPy array of strings.
        split: ``"whitespace"``, ``"character"``, None (each string is one token), or a callable
            taking a 1-D NumPy array of strings and returning one list of tokens per string.
        ngrams: None, an int ``n`` (all n-grams up to ``n``) or a tuple of widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"`` (or ``"one_hot"``).
        output_sequence_length: pad/truncate ``int`` outputs to this length.
        pad_to_max_tokens: make ``multi_hot``/``count``/``tf_idf`` outputs ``max_tokens`` wide.
        vocabulary: a list of tokens or the path of a text file with one token per line.
        idf_weights: the IDF weights of ``vocabulary`` (``tf_idf`` only).
        sparse, ragged: must stay False (they need TensorFlow tensors).
        encoding: the text encoding of ``bytes`` inputs.

    Example:
        >>> layer = TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["the cat sat", "the dog"])
        >>> layer(["The dog sat!"]).tolist()
        [[2, 4, 3, 0]]
    """

    _config_args = ("max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length",
                    "pad_to_max_tokens", "sparse", "ragged", "vocabulary", "idf_weights", "encoding")

    def __init__(self, max_tokens: int | None = None, standardize: Any = "lower_and_strip_punctuation",
                 split: Any = "whitespace", ngrams: Any = None, output_mode: str = "int",
                 output_sequence_length: int | None = None, pad_to_max_tokens: bool = False,
                 vocabulary: Any = None, idf_weights: Any = None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", name: str | None = None, **kwargs: Any) -> None:
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        if sparse:
            raise ValueError("`sparse=True` is not supported by strata's TextVectorization (Keras allows it only "
                             "with the TensorFlow backend). Received: sparse=True. Use dense outputs.")
        if ragged:
            raise ValueError("`ragged=True` is not supported by strata's TextVectorization (Keras allows it only "
                             "with the TensorFlow backend). Received: ragged=True. Use `output_sequence_length` "
                             "or the default padding to the longest row.")
        text_ops.check_choice(standardize, "standardize", text_ops.STANDARDIZE_MODES, "TextVectorization")
        text_ops.check_choice(split, "split", text_ops.SPLIT_MODES, "TextVectorization")
        output_mode = check_output_mode("TextVectorization", output_mode,
                                        ("int", "one_hot", "multi_hot", "count", "tf_idf"))
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or isinstance(ngrams, int) and not isinstance(ngrams, bool)
                or isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams)):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer when `output_mode` is "
                             f"'int'. Received: output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={output_sequence_length}.")
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._widths = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.ragged = False
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode, encoding=encoding,
            has_input_vocabulary=has_input_vocabulary, vocabulary_size=vocabulary_size)

    # -- the lookup's state, under Keras's names ---------------------------------------------------
    max_tokens = property(lambda self: self._lookup_layer.max_tokens)
    pad_to_max_tokens = property(lambda self: self._lookup_layer.pad_to_max_tokens)
    sparse = property(lambda self: False)
    vocabulary = property(lambda self: self._lookup_layer.vocabulary)
    idf_weights = property(lambda self: self._lookup_layer.idf_weights)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The vocabulary, index by index (``""`` and ``"[UNK]"`` first in int mode)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The size of the vocabulary, special tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (and IDF weights for ``tf_idf``) directly instead of adapting."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- the string pipeline -----------------------------------------------------------------------
    def _preprocess(self, inputs: Any) -> Any:
        """Tokens: a list of token lists (with ``split``) or an object array of whole strings."""
        texts = text_ops.standardize(as_text_array(inputs, self.encoding), self.standardize, self.encoding)
        if self.split is None:
            tokens: Any = texts
            if self._widths is not None:
                tokens = text_ops.ngrams([[t] for t in texts.reshape(-1)], self._widths)
            return tokens
        rows = text_ops.split(texts, self.split, self.name)
        return text_ops.ngrams(rows, self._widths) if self._widths is not None else rows

    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Build the vocabulary from ``data``: a list/array of strings, or an iterable of batches
        (a generator, a ``PyDataset``); ``steps`` limits how many batches are read."""
        lookup = self._lookup_layer
        lookup.reset_state()
        for batch in adapt_batches(data, steps, expand_rank1=True):
            lookup.update_state(self._preprocess(batch))
        lookup.finalize_state()

    def call(self, inputs: Any) -> np.ndarray:
        lookup = self._lookup_layer
        lookup._check_ready()
        lookup._called = True
        tokens = self._preprocess(inputs)
        if np.ndim(inputs) == 0 and isinstance(tokens, list):  # one string: one unbatched row
            return self._call_rows(tokens)[0]
        if not isinstance(tokens, list):  # split=None: one token per string, shape kept
            out = lookup._encode(lookup._lookup(tokens))
            return self._fit_length(out) if self.output_mode == "int" else out
        return self._call_rows(tokens)

    def _call_rows(self, tokens: list[list[str]]) -> np.ndarray:
        lookup = self._lookup_layer
        flat = np.empty(sum(len(r) for r in tokens), dtype=object)
        flat[:] = [t for row in tokens for t in row]
        ids = lookup._lookup(flat)
        width = max((len(r) for r in tokens), default=0)
        if self.output_mode == "int" and self.output_sequence_length is not None:
            width = self.output_sequence_length
        padded = np.full((len(tokens), width), 0 if self.output_mode == "int" else -1, dtype=np.int64)
        start = 0
        for i, row in enumerate(tokens):
            n = min(len(row), width)
            padded[i, :n] = ids[start:start + n]
            start += len(row)
        if self.output_mode == "int":
            return padded
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categorical(np, padded, mode, depth, strata_config.floatx())
        return out * lookup._idf.astype(out.dtype) if self.output_mode == "tf_idf" else out

    def _fit_length(self, out: np.ndarray) -> np.ndarray:
        length = self.output_sequence_length
        if length is None:
            return out
        out = out[..., :length]
        pad = [(0, 0)] * (out.ndim - 1) + [(0, length - out.shape[-1])]
        return np.pad(out, pad)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return (input_shape[0] if input_shape else None, self.output_sequence_length)
        if self.split is None:
            shape = input_shape + (1,) if len(input_shape) <= 1 else input_shape
        else:
            shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(shape)

    def compute_output_dtype(self) -> str:
        return "int64" if self.output_mode == "int" else strata_config.floatx()

    # -- saving ------------------------------------------------------------------------------------
    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)

    def save_own_arrays(self) -> dict[str, np.ndarray]:
        return self._lookup_layer.save_own_arrays()

    def load_own_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        self._lookup_layer.load_own_arrays(arrays)

    def get_config(self) -> dict:
        config = super().get_config()
        config["vocabulary_size"] = self.vocabulary_size()
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "TextVectorization":
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)
