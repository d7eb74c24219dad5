"""``Tokenizer`` of tf.keras 2 (``keras.preprocessing.text``): a word index learnt from texts.

``fit_on_texts`` counts words (split as ``text_to_word_sequence`` does, or per character with
``char_level=True``) and numbers them by frequency: the most frequent word gets 1, ties keep the
order in which the words were first seen, 0 is never used (padding), and an ``oov_token`` takes
index 1 ahead of every word.  ``texts_to_sequences`` replaces words by their index, keeping only
indices below ``num_words`` (others are dropped, or become the ``oov_token``'s index), and
``texts_to_matrix`` gives one row per text in one of four modes: ``binary`` (word present),
``count``, ``freq`` (count / words in the text) and ``tfidf`` (``(1 + log count) *
log(1 + documents / (1 + documents with the word))``).  ``to_json`` / ``tokenizer_from_json`` keep
tf.keras's JSON layout, so a tokenizer saved by a Keras 2 course loads here and the other way round.
"""

from __future__ import annotations

import json
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from strata.preprocessing.text_hashing import DEFAULT_FILTERS, text_to_word_sequence

MATRIX_MODES = ("binary", "count", "tfidf", "freq")


class Tokenizer:
    """Learns a word index from texts and turns texts into index sequences or matrices.

    Args:
        num_words: keep only the ``num_words - 1`` most frequent words when converting (``None``:
            all).  The index itself always holds every word seen.
        filters: characters removed from texts (replaced by ``split``).
        lower: lower-case texts first.
        split: the word separator.
        char_level: every character is a token.
        oov_token: a token (index 1) that replaces words missing from the index when converting.
        analyzer: a callable that splits a text into words instead of ``text_to_word_sequence``.
        **kwargs: ``document_count`` (used by ``tokenizer_from_json``); Keras 1's ``nb_words`` is
            accepted for ``num_words`` with a warning.

    Example:
        >>> tokenizer = Tokenizer(num_words=4, oov_token="<OOV>")
        >>> tokenizer.fit_on_texts(["the cat sat", "the cat ran", "the dog"])
        >>> tokenizer.word_index
        {'<OOV>': 1, 'the': 2, 'cat': 3, 'sat': 4, 'ran': 5, 'dog': 6}
        >>> tokenizer.texts_to_sequences(["the dog sat on the cat"])
        [[2, 1, 1, 1, 2, 3]]
    """

    def __init__(self, num_words: int | None = None, filters: str = DEFAULT_FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token: str | None = None,
                 analyzer: Callable[[str], list[str]] | None = None, **kwargs: Any) -> None:
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed `num_words`.", stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(
                f"Unrecognized keyword arguments: {kwargs}. Tokenizer accepts num_words, filters, lower, "
                "split, char_level, oov_token, analyzer (and document_count)."
            )
        self.word_counts: dict[str, int] = OrderedDict()
        self.word_docs: dict[str, int] = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs: dict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self.analyzer = analyzer

    def _tokens(self, text: str | list[str]) -> list[str]:
        if self.char_level or isinstance(text, list):
            if self.lower:
                return [token.lower() for token in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts: Iterable[str | list[str]]) -> None:
        """Count the words of ``texts`` (strings, or lists of tokens) and rebuild the index."""
        if isinstance(texts, str):
            raise ValueError(
                "`texts` must be a list of texts, not one string (each character would be a text). "
                f"Received: texts={texts[:40]!r}. Wrap it: fit_on_texts([text])."
            )
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [word for word, _ in by_count]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Count documents per index from index sequences (what ``tfidf`` needs), without texts."""
        sequences = list(sequences)
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def texts_to_sequences_generator(self, texts: Iterable[str | list[str]]) -> Iterator[list[int]]:
        """``texts_to_sequences``, one text at a time."""
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for token in self._tokens(text):
                index = self.word_index.get(token)
                if index is None:
                    if self.oov_token is not None:
                        sequence.append(oov_index)
                elif self.num_words and index >= self.num_words:
                    if oov_index is not None:
                        sequence.append(oov_index)
                else:
                    sequence.append(index)
            yield sequence

    def texts_to_sequences(self, texts: Iterable[str | list[str]]) -> list[list[int]]:
        """Each text as the list of its words' indices (rare or unknown words dropped, or the OOV index)."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences: Iterable[Iterable[int]]) -> Iterator[str]:
        """``sequences_to_texts``, one sequence at a time."""
        oov_index = self.word_index.get(self.oov_token)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is None:
                    if self.oov_token is not None:
                        words.append(self.index_word[oov_index])
                elif self.num_words and index >= self.num_words:
                    if oov_index is not None:
                        words.append(self.index_word[oov_index])
                else:
                    words.append(word)
            yield " ".join(words)

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Each index sequence back as words joined by spaces (filters and case are not restored)."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts: Iterable[str | list[str]], mode: str = "binary") -> np.ndarray:
        """``(len(texts), num_words)`` float64 matrix of the texts in ``mode`` (see the module notes)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: list[list[int]], mode: str = "binary") -> np.ndarray:
        """``(len(sequences), num_words)`` float64 matrix; column ``j`` is index ``j`` (column 0 unused)."""
        if mode not in MATRIX_MODES:
            raise ValueError(f"Unknown vectorization mode: {mode!r}. Use one of {MATRIX_MODES}.")
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        matrix = np.zeros((len(sequences), num_words))
        for row, sequence in enumerate(sequences):
            counts: dict[int, int] = defaultdict(int)
            for index in sequence:
                if index < num_words:
                    counts[index] += 1
            for index, count in counts.items():
                if mode == "count":
                    matrix[row, index] = count
                elif mode == "freq":
                    matrix[row, index] = count / len(sequence)
                elif mode == "binary":
                    matrix[row, index] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
                    matrix[row, index] = (1 + np.log(count)) * idf
        return matrix

    def get_config(self) -> dict[str, Any]:
        """The settings and learnt tables; the tables as JSON strings (tf.keras's layout)."""
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs: Any) -> str:
        """``{"class_name": "Tokenizer", "config": get_config()}`` as JSON (``kwargs`` go to ``json.dumps``)."""
        return json.dumps({"class_name": self.__class__.__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """The ``Tokenizer`` saved by ``Tokenizer.to_json`` (from strata or tf.keras 2).

    Example:
        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["a b b"])
        >>> tokenizer_from_json(tokenizer.to_json()).word_index
        {'b': 1, 'a': 2}
    """
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(key): value for key, value in json.loads(config.pop("index_docs")).items()}
    index_word = {int(key): value for key, value in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(word_counts)
    tokenizer.word_docs = defaultdict(int, word_docs)  # so that fitting more texts works after loading
    tokenizer.index_docs = defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
