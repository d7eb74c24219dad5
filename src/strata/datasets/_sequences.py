"""Turning stored word-index sequences into the ones Keras's text datasets return.

IMDB and Reuters store each text as a list of word ranks (1 = the most frequent word). Keras
then, in this order:

1. shifts every rank by `index_from` and puts `start_char` in front (``None`` for no marker),
2. drops every sequence whose length (marker included) is ``>= maxlen`` when `maxlen` is set,
3. keeps ranks in ``[skip_top, num_words)``: the others become `oov_char`, or are dropped when
   `oov_char` is ``None``. Without `num_words` the limit is the largest rank present, so that
   rank itself also counts as out of vocabulary.
"""

from __future__ import annotations

import numpy as np


def shift(sequences, start_char: int | None, index_from: int) -> list[list]:
    """Each sequence as a list with ranks moved up by `index_from`, after `start_char`."""
    head = [] if start_char is None else [start_char]
    if not index_from:
        return [head + list(seq) for seq in sequences]
    return [head + [w + index_from for w in seq] for seq in sequences]


def drop_long(maxlen: int | None, sequences: list, labels):
    """The sequences shorter than `maxlen` and their labels, as two lists (all when falsy)."""
    if not maxlen:
        return sequences, labels
    kept = [(seq, label) for seq, label in zip(sequences, labels) if len(seq) < maxlen]
    return [seq for seq, _ in kept], [label for _, label in kept]


def limit_vocabulary(
    sequences: list, num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list]:
    """Replaces (or drops, when `oov_char` is None) the ranks outside ``[skip_top, num_words)``."""
    if not num_words:
        num_words = max(max(seq) for seq in sequences)
    if oov_char is None:
        return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]
    return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]


def as_object_array(sequences: list) -> np.ndarray:
    """The sequences as a NumPy object array, built the way Keras builds it.

    Ragged sequences give a 1-D array of lists. Like Keras's, the array gets a second axis when
    every sequence has the same length.
    """
    return np.array(sequences, dtype="object")
