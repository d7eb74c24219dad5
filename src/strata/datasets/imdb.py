"""IMDB movie reviews: 25,000 training and 25,000 test reviews labelled positive or negative.

Each review is a list of word indices: a word's rank in the corpus' frequency order, shifted up
by `index_from` (3 by default) so that 0 (padding), 1 (`start_char`, the start of a review) and
2 (`oov_char`, a word cut from the vocabulary) keep their meaning. `get_word_index` maps words
to their unshifted ranks, so a review decodes with ``index - index_from``.
"""

from __future__ import annotations

import json
import os

import numpy as np

from strata.datasets import _keras_file, _safe_pickle, _sequences

_ORIGIN = _keras_file.KERAS_ORIGIN
_FILE_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"
_SUBDIR = "imdb"
_KEYS = ("x_train", "y_train", "x_test", "y_test")


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    data_dir: str | os.PathLike | None = None,
    **kwargs,
):
    """Loads the IMDB sentiment dataset, as `keras.datasets.imdb.load_data`.

    Keras's ``imdb.npz`` comes from a local folder (`data_dir`, or an ``imdb/`` sub-folder of
    ``$STRATA_DATASETS_DIR``) when one holds it, else it is downloaded once into
    ``~/.strata/datasets/`` and checked against Keras's sha256. Its ragged arrays are read
    without unsafe unpickling. Then, as Keras: the training and the test reviews are each
    shuffled with one ``np.random.RandomState(seed)`` (training first), indices are shifted and
    marked, long reviews dropped and rare words replaced (see `strata.datasets._sequences`).

    Args:
        path: Name of the file in the cache (and in a local folder).
        num_words: Keep the words ranked below this (after the shift); `None` keeps all but
            the largest index present.
        skip_top: Also treat the indices below this as out of vocabulary.
        maxlen: Drop reviews whose length, start marker included, is `maxlen` or more.
        seed: Seed of the shuffles.
        start_char: Index put at the start of every review; `None` for none.
        oov_char: Index that replaces the words cut by `num_words` / `skip_top`; `None` drops
            them instead.
        index_from: Amount added to every stored word rank.
        data_dir: Local folder to read instead of downloading.
        **kwargs: Accepted and ignored, as Keras does (older Keras took ``nb_words`` here).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: `x` object arrays of lists of ints, `y`
        integer arrays of 0 (negative) and 1 (positive).

    Raises:
        ValueError: `maxlen` removed every training or test review, or the file is corrupt.
        FileNotFoundError: The local folder lacks the file.
        DownloadError: The download failed (no network, say).

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
    >>> x_train.shape, x_train[0][:3]  # doctest: +SKIP
    ((25000,), [1, 14, 22])
    """
    fpath = _keras_file.keras_file(
        path, _ORIGIN + "imdb.npz", _FILE_SHA256,
        subdir=_SUBDIR, title="IMDB", data_dir=data_dir,
    )
    x_train, y_train, x_test, y_test = _safe_pickle.require_arrays(
        _safe_pickle.load_npz(fpath), _KEYS, fpath, "IMDB"
    )
    rng = np.random.RandomState(seed)  # one generator: the test shuffle follows the training one
    for_train = np.arange(len(x_train))
    rng.shuffle(for_train)
    for_test = np.arange(len(x_test))
    rng.shuffle(for_test)
    x_train, y_train = x_train[for_train], y_train[for_train]
    x_test, y_test = x_test[for_test], y_test[for_test]

    x_train = _sequences.shift(x_train, start_char, index_from)
    x_test = _sequences.shift(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = _sequences.drop_long(maxlen, x_train, y_train)
        x_test, y_test = _sequences.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            emptied = "training" if not x_train else "test"
            raise ValueError(
                f"maxlen={maxlen!r} left no {emptied} review: only reviews shorter than maxlen "
                f"(start marker included) are kept. Increase maxlen. Received: maxlen={maxlen!r}"
            )
    sequences = _sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    n_train = len(x_train)
    return (
        (_sequences.as_object_array(sequences[:n_train]), labels[:n_train]),
        (_sequences.as_object_array(sequences[n_train:]), labels[n_train:]),
    )


def get_word_index(path: str = "imdb_word_index.json", data_dir: str | os.PathLike | None = None):
    """The IMDB vocabulary, as `keras.datasets.imdb.get_word_index`: ``{word: rank}``.

    Ranks start at 1 and are not shifted: the index ``i`` in a loaded review is the word of
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
        path, _ORIGIN + "imdb_word_index.json", _WORD_INDEX_MD5,
        subdir=_SUBDIR, title="the IMDB word index", data_dir=data_dir,
    )
    return read_word_index(fpath)


def read_word_index(fpath: str | os.PathLike) -> dict[str, int]:
    """Reads a ``{word: rank}`` JSON file, with a clear error when it is not one."""
    try:
        with open(fpath, encoding="utf-8") as f:
            index = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(
            f"{os.fspath(fpath)} is not a word-index JSON file ({e}). Delete it and load again."
        ) from e
    if not isinstance(index, dict):
        raise ValueError(
            f"{os.fspath(fpath)} is not a word-index JSON file: it holds a "
            f"{type(index).__name__}, expected an object mapping words to ranks."
        )
    return index
