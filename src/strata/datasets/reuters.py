"""Reuters newswires: 11,228 short news stories, each labelled with one of 46 topics.

The stories are stored like IMDB's reviews, as lists of word ranks shifted up by `index_from`
(see `strata.datasets.imdb`); `get_word_index` gives the vocabulary and `get_label_names` the
topic of each label.
"""

from __future__ import annotations

import os

import numpy as np

from strata.datasets import _keras_file, _safe_pickle, _sequences
from strata.datasets.imdb import read_word_index

_ORIGIN = _keras_file.KERAS_ORIGIN
_FILE_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
_SUBDIR = "reuters"
# The topic of each label, in label order (Keras's list).
_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
    "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
    "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
    "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    data_dir: str | os.PathLike | None = None,
):
    """Loads the Reuters newswire topics dataset, as `keras.datasets.reuters.load_data`.

    Keras's ``reuters.npz`` comes from a local folder (`data_dir`, or a ``reuters/``
    sub-folder of ``$STRATA_DATASETS_DIR``) when one holds it, else it is downloaded once into
    ``~/.strata/datasets/`` and checked against Keras's sha256. Then, as Keras: all stories are
    shuffled with ``np.random.RandomState(seed)``, indices shifted and marked, long stories
    dropped and rare words replaced (see `strata.datasets._sequences`), and the first
    ``int(n * (1 - test_split))`` of the remaining stories form the training set.

    Args:
        path: Name of the file in the cache (and in a local folder).
        num_words: Keep the words ranked below this (after the shift); `None` keeps all but
            the largest index present.
        skip_top: Also treat the indices below this as out of vocabulary.
        maxlen: Drop stories whose length, start marker included, is `maxlen` or more.
        test_split: Share of the stories put in the test set, in ``[0, 1]``.
        seed: Seed of the shuffle.
        start_char: Index put at the start of every story; `None` for none.
        oov_char: Index that replaces the words cut by `num_words` / `skip_top`; `None` drops
            them instead.
        index_from: Amount added to every stored word rank.
        data_dir: Local folder to read instead of downloading.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: `x` object arrays of lists of ints, `y`
        integer topic labels 0-45 (names from `get_label_names`). By default 8,982 training
        and 2,246 test stories.

    Raises:
        ValueError: A bad `test_split`, `maxlen` removed every story, or a corrupt file.
        FileNotFoundError: The local folder lacks the file.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), _ = load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), get_label_names()[y_train[0]]  # doctest: +SKIP
    (8982, 'earn')
    """
    if not 0 <= test_split <= 1:
        raise ValueError(
            "test_split must be a fraction in [0, 1] (the share of stories held out for "
            f"testing), such as 0.2. Received: test_split={test_split!r}"
        )
    fpath = _keras_file.keras_file(
        path, _ORIGIN + "reuters.npz", _FILE_SHA256,
        subdir=_SUBDIR, title="Reuters", data_dir=data_dir,
    )
    xs, labels = _safe_pickle.require_arrays(
        _safe_pickle.load_npz(fpath), ("x", "y"), fpath, "Reuters"
    )
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs = _sequences.shift(xs[order], start_char, index_from)
    xs, labels = _sequences.drop_long(maxlen, xs, labels[order])
    if not xs:
        raise ValueError(
            f"maxlen={maxlen!r} left no story: only stories shorter than maxlen (start marker "
            f"included) are kept. Increase maxlen. Received: maxlen={maxlen!r}"
        )
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    n_train = int(len(xs) * (1 - test_split))
    return (
        (_sequences.as_object_array(xs[:n_train]), np.array(labels[:n_train])),
        (_sequences.as_object_array(xs[n_train:]), np.array(labels[n_train:])),
    )


def get_word_index(
    path: str = "reuters_word_index.json", data_dir: str | os.PathLike | None = None
):
    """The Reuters vocabulary, as `keras.datasets.reuters.get_word_index`: ``{word: rank}``.

    Ranks start at 1 and are not shifted: the index ``i`` in a loaded story is the word of
    rank ``i - index_from``. The file comes from a local folder or is downloaded and checked
    as in `load_data`.

    Args:
        path: Name of the ``.json`` file in the cache (and in a local folder).
        data_dir: Local folder to read instead of downloading.

    Example:

    >>> word_index = get_word_index()  # doctest: +SKIP
    >>> word_index["the"]  # doctest: +SKIP
    1
    """
    fpath = _keras_file.keras_file(
        path, _ORIGIN + "reuters_word_index.json", _WORD_INDEX_MD5,
        subdir=_SUBDIR, title="the Reuters word index", data_dir=data_dir,
    )
    return read_word_index(fpath)


def get_label_names() -> tuple[str, ...]:
    """The topic names of the 46 labels, in label order, as Keras's `get_label_names`.

    Example:

    >>> get_label_names()[:3]
    ('cocoa', 'grain', 'veg-oil')
    """
    return _LABEL_NAMES
