"""Word splitting and hashing of tf.keras 2 (``keras.preprocessing.text``).

Before ``TextVectorization``, Keras 2 courses turned sentences into integer ids in Python:
``text_to_word_sequence`` lower-cases a text, replaces every character of ``filters`` (punctuation,
tabs, newlines) by ``split`` and splits on it; ``hashing_trick`` maps each word to
``hash(word) % (n - 1) + 1`` (ids 1..n-1, 0 stays free for padding) and ``one_hot`` is the same
with the default hash.

**Which hash.** tf.keras 2 used Python's built-in ``hash`` by default, which for strings is salted
anew in every process (unless ``PYTHONHASHSEED`` is set), so its ids changed from run to run and no
run can be reproduced.  strata uses MD5 by default (``hash_function=None`` and ``one_hot``), exactly
tf.keras's ``hash_function="md5"``: the same word gets the same id in every run and on every machine.
Pass ``hash_function=hash`` to get tf.keras's per-process ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text: str, filters: str = DEFAULT_FILTERS, lower: bool = True,
                          split: str = " ") -> list[str]:
    """Split a text into words: lower-case, filtered characters become separators, empty words dropped.

    Args:
        input_text: the text.
        filters: characters removed (each is replaced by ``split``).
        lower: lower-case the text first.
        split: the word separator.

    Returns:
        The list of words.

    Example:
        >>> text_to_word_sequence("Hello, World!  It's\\tme.")
        ['hello', 'world', "it's", 'me']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({char: split for char in filters}))
    return [word for word in input_text.split(split) if word]


def md5_hash(word: str) -> int:
    """The integer value of the MD5 digest of ``word`` (UTF-8), tf.keras's ``hash_function="md5"``."""
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text: str, n: int, hash_function: Callable[[str], int] | str | None = None,
                  filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ",
                  analyzer: Callable[[str], list[str]] | None = None) -> list[int]:
    """Words of ``text`` as ids in ``[1, n)`` by hashing: ``hash_function(word) % (n - 1) + 1``.

    Args:
        text: the text.
        n: the size of the id space (ids run from 1 to ``n - 1``); two words may share an id.
        hash_function: ``None`` or ``"md5"`` (MD5, the same ids in every run; see the module notes
            on tf.keras's default), or any callable from a word to an int (e.g. ``hash``).
        filters, lower, split: as in ``text_to_word_sequence``.
        analyzer: a callable that splits the text into words instead of ``text_to_word_sequence``.

    Returns:
        One id per word.

    Example:
        >>> hashing_trick("The cat sat on the mat", 50)
        [43, 32, 29, 3, 43, 29]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"`n` must be an integer >= 2 (ids run from 1 to n - 1). Received: n={n!r}")
    if hash_function is None or hash_function == "md5":
        hash_function = md5_hash
    elif not callable(hash_function):
        raise ValueError(
            f'`hash_function` must be None, "md5" or a callable. Received: hash_function={hash_function!r}'
        )
    words = text_to_word_sequence(text, filters, lower, split) if analyzer is None else analyzer(text)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text: str, n: int, filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ",
            analyzer: Callable[[str], list[str]] | None = None) -> list[int]:
    """Words of ``input_text`` as ids in ``[1, n)``: ``hashing_trick`` with MD5 (not a one-hot matrix).

    Example:
        >>> one_hot("The cat sat on the mat", 50)
        [43, 32, 29, 3, 43, 29]
    """
    return hashing_trick(input_text, n, None, filters, lower, split, analyzer)
