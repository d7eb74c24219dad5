"""``TokenCounter``: what a lookup's ``adapt`` accumulates, and the vocabulary it ranks from it.

Tokens are counted over every batch; for ``tf_idf`` the counter also records in how many
documents (rows) each token appears and how many documents it saw.  The ranking is Keras's:
by count, high to low, ties broken by the token's sort order, high to low (``np.lexsort`` of
``(tokens, counts)`` reversed).  Inverse document frequencies are
``log(1 + n_documents / (1 + document_count))``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np


class TokenCounter:
    """Token and document counts gathered batch by batch."""

    def __init__(self, count_documents: bool) -> None:
        self.count_documents = count_documents
        self.counts: Counter = Counter()
        self.document_counts: Counter = Counter()
        self.num_documents = 0

    def update(self, documents: Iterable[list]) -> None:
        documents = list(documents)
        for document in documents:
            self.counts.update(document)
        if self.count_documents:
            for document in documents:
                self.document_counts.update(set(document))
            self.num_documents += len(documents)

    def ranked(self, exclude: Iterable[Any], limit: int | None, sort_key: Callable[[Any], Any]) -> list:
        """The tokens by count (high to low), ties by ``sort_key`` (high to low), at most ``limit``."""
        counts = dict(self.counts)
        for token in exclude:
            counts.pop(token, None)
        ranked = sorted(counts.items(), key=lambda item: (item[1], sort_key(item[0])), reverse=True)
        return [token for token, _ in (ranked if limit is None else ranked[:limit])]

    def inverse_document_frequency(self, tokens: list, dtype: str) -> np.ndarray:
        frequency = np.array([self.document_counts[t] for t in tokens], dtype="float64")
        return np.log(1.0 + self.num_documents / (1.0 + frequency)).astype(dtype)
