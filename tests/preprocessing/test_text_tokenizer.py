"""tf.keras 2's ``preprocessing.text`` (Tokenizer, text_to_word_sequence, one_hot, hashing_trick).

tf.keras 2 cannot be installed here, so every expectation below is worked out by hand from its
documented behaviour (the arithmetic is spelled out next to each number)."""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pytest

from strata.preprocessing.text import (Tokenizer, hashing_trick, one_hot, text_to_word_sequence,
                                       tokenizer_from_json)

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "the cat"]
# counts: the 4, cat 2, then 1 each in order of first appearance: sat on mat dog ate my homework
INDEX = {"the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5, "dog": 6, "ate": 7, "my": 8, "homework": 9}


def fitted(**kwargs) -> Tokenizer:
    tokenizer = Tokenizer(**kwargs)
    tokenizer.fit_on_texts(TEXTS)
    return tokenizer


# --- words and hashing -----------------------------------------------------------------------------

def test_text_to_word_sequence_filters_lowercases_and_drops_empty_words():
    assert text_to_word_sequence("Hello, World!  It's\tme.\n") == ["hello", "world", "it's", "me"]
    assert text_to_word_sequence("Hello e-mail", lower=False) == ["Hello", "e", "mail"]
    assert text_to_word_sequence("a-b c,d", filters=",", split="-") == ["a", "b c", "d"]
    assert text_to_word_sequence("") == []


def md5_id(word: str, n: int) -> int:
    return int(hashlib.md5(word.encode()).hexdigest(), 16) % (n - 1) + 1


def test_hashing_trick_uses_md5_by_default_and_any_callable():
    words = ["the", "cat", "sat", "on", "the", "mat"]
    expected = [md5_id(word, 50) for word in words]
    assert hashing_trick("The cat sat on the mat.", 50) == expected
    assert hashing_trick("The cat sat on the mat.", 50, hash_function="md5") == expected
    assert expected[0] == expected[4] and all(1 <= i < 50 for i in expected)
    assert hashing_trick("The cat sat", 4, hash_function=len) == [3 % 3 + 1] * 3
    assert hashing_trick("a|bb", 10, hash_function=len, analyzer=lambda t: t.split("|")) == [2, 3]
    assert one_hot("The cat sat on the mat.", 50) == expected


def test_hashing_errors_name_the_argument():
    with pytest.raises(ValueError, match="`n` must be an integer >= 2 .* Received: n=1"):
        hashing_trick("a b", 1)
    with pytest.raises(ValueError, match='`hash_function` must be None, "md5" or a callable. Received: '
                                         "hash_function='sha1'"):
        hashing_trick("a b", 10, hash_function="sha1")


# --- fitting ---------------------------------------------------------------------------------------

def test_fit_on_texts_counts_and_numbers_words_by_frequency_then_first_appearance():
    tokenizer = fitted()
    assert tokenizer.word_index == INDEX
    assert tokenizer.index_word == {i: w for w, i in INDEX.items()}
    assert list(tokenizer.word_counts.items())[:3] == [("the", 4), ("cat", 2), ("sat", 1)]
    assert tokenizer.document_count == 3
    assert tokenizer.word_docs["the"] == 3 and tokenizer.word_docs["cat"] == 2 and tokenizer.word_docs["mat"] == 1
    assert tokenizer.index_docs[1] == 3 and tokenizer.index_docs[2] == 2 and tokenizer.index_docs[9] == 1


def test_oov_token_takes_index_one():
    tokenizer = fitted(oov_token="<OOV>")
    assert tokenizer.word_index == {"<OOV>": 1, **{w: i + 1 for w, i in INDEX.items()}}


def test_fitting_twice_accumulates():
    tokenizer = fitted()
    tokenizer.fit_on_texts(["mat mat mat"])
    assert tokenizer.document_count == 4
    assert list(tokenizer.word_index)[:3] == ["the", "mat", "cat"]  # mat: 4 ties the; the came first


def test_char_level_token_lists_and_analyzer():
    chars = Tokenizer(char_level=True)
    chars.fit_on_texts(["AbcA"])
    assert chars.word_index == {"a": 1, "b": 2, "c": 3}
    assert chars.texts_to_sequences(["cab!"]) == [[3, 1, 2]]  # char level does not filter; "!" unknown
    tokens = Tokenizer()
    tokens.fit_on_texts([["Hello", "world"], ["hello"]])
    assert tokens.word_index == {"hello": 1, "world": 2}
    piped = Tokenizer(analyzer=lambda text: text.split("|"))
    piped.fit_on_texts(["x|y|x", "y|y"])
    assert piped.word_index == {"y": 1, "x": 2}


def test_fit_on_sequences_counts_documents():
    tokenizer = Tokenizer(num_words=5)
    tokenizer.fit_on_sequences([[1, 2, 2], [2, 3]])
    assert tokenizer.document_count == 2
    assert dict(tokenizer.index_docs) == {1: 1, 2: 2, 3: 1}


# --- converting ------------------------------------------------------------------------------------

def test_texts_to_sequences_drops_unknown_and_rare_words():
    assert fitted().texts_to_sequences(["the cat ate the fish"]) == [[1, 2, 7, 1]]
    assert fitted(num_words=3).texts_to_sequences(["the cat ate the fish"]) == [[1, 2, 1]]
    assert list(fitted().texts_to_sequences_generator(["my mat", ""])) == [[8, 5], []]


def test_texts_to_sequences_with_oov_token():
    tokenizer = fitted(oov_token="<OOV>", num_words=4)  # <OOV> 1, the 2, cat 3, sat 4 (>= 4: rare)
    assert tokenizer.texts_to_sequences(["the cat sat on the fish"]) == [[2, 3, 1, 1, 2, 1]]


def test_sequences_to_texts():
    assert fitted().sequences_to_texts([[1, 2, 42, 7], []]) == ["the cat ate", ""]
    tokenizer = fitted(oov_token="<OOV>", num_words=4)
    assert tokenizer.sequences_to_texts([[2, 3, 1, 9, 42]]) == ["the cat <OOV> <OOV> <OOV>"]


def test_texts_to_matrix_modes():
    tokenizer = fitted()
    texts = ["the cat the", "dog", "zebra"]
    binary = tokenizer.texts_to_matrix(texts)
    assert binary.shape == (3, 10) and binary.dtype == np.float64  # 9 words + the unused column 0
    assert np.flatnonzero(binary[0]).tolist() == [1, 2] and binary[0, 1] == 1.0
    assert np.flatnonzero(binary[1]).tolist() == [6] and not binary[2].any()
    count = tokenizer.texts_to_matrix(texts, mode="count")
    assert count[0, 1] == 2 and count[0, 2] == 1
    freq = tokenizer.texts_to_matrix(texts, mode="freq")
    np.testing.assert_allclose(freq[0, [1, 2]], [2 / 3, 1 / 3])
    tfidf = tokenizer.texts_to_matrix(texts, mode="tfidf")
    # (1 + ln count) * ln(1 + documents / (1 + documents with the word)); 3 documents
    np.testing.assert_allclose(tfidf[0, 1], (1 + math.log(2)) * math.log(1 + 3 / (1 + 3)))
    np.testing.assert_allclose(tfidf[0, 2], math.log(1 + 3 / (1 + 2)))
    np.testing.assert_allclose(tfidf[1, 6], math.log(1 + 3 / (1 + 1)))
    assert fitted(num_words=3).texts_to_matrix(texts, mode="count").tolist() == [[0, 2, 1], [0, 0, 0], [0, 0, 0]]


def test_matrix_errors():
    with pytest.raises(ValueError, match="Specify a dimension \\(`num_words` argument\\), or fit on some text"):
        Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(ValueError, match="Fit the Tokenizer on some data before using tfidf mode."):
        Tokenizer(num_words=4).sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(ValueError, match="Unknown vectorization mode: 'onehot'"):
        fitted().texts_to_matrix(["a"], mode="onehot")


def test_constructor_and_fit_errors():
    with pytest.raises(TypeError, match="Unrecognized keyword arguments: \\{'nwords': 3\\}"):
        Tokenizer(nwords=3)
    with pytest.raises(ValueError, match="`texts` must be a list of texts, not one string"):
        Tokenizer().fit_on_texts("the cat")
    with pytest.warns(UserWarning, match="The `nb_words` argument in `Tokenizer` has been renamed `num_words`."):
        assert Tokenizer(nb_words=7).num_words == 7


# --- JSON ------------------------------------------------------------------------------------------

def test_to_json_layout_and_round_trip():
    tokenizer = fitted(oov_token="<OOV>", num_words=6)
    saved = json.loads(tokenizer.to_json())
    assert saved["class_name"] == "Tokenizer"
    assert sorted(saved["config"]) == sorted([
        "num_words", "filters", "lower", "split", "char_level", "oov_token", "document_count",
        "word_counts", "word_docs", "index_docs", "index_word", "word_index"])
    assert json.loads(saved["config"]["word_index"])["the"] == 2
    assert json.loads(saved["config"]["index_word"])["2"] == "the"  # int keys become strings in JSON
    loaded = tokenizer_from_json(tokenizer.to_json())
    assert loaded.word_index == tokenizer.word_index and loaded.index_word == tokenizer.index_word
    assert (loaded.num_words, loaded.oov_token, loaded.document_count) == (6, "<OOV>", 3)
    texts = ["the cat sat on a mat", "dog"]
    assert loaded.texts_to_sequences(texts) == tokenizer.texts_to_sequences(texts)
    np.testing.assert_array_equal(loaded.texts_to_matrix(texts, "tfidf"), tokenizer.texts_to_matrix(texts, "tfidf"))
    assert json.loads(tokenizer.to_json(indent=2)) == saved
    loaded.fit_on_texts(["zebra the"])  # a loaded tokenizer keeps learning
    assert loaded.word_index["zebra"] == 11 and loaded.document_count == 4 and loaded.word_docs["the"] == 4


def test_loads_a_tf_keras_2_json():
    config = {"num_words": None, "filters": "!", "lower": True, "split": " ", "char_level": False,
              "oov_token": None, "document_count": 2, "word_counts": json.dumps({"a": 2, "b": 1}),
              "word_docs": json.dumps({"a": 2, "b": 1}), "index_docs": json.dumps({"1": 2, "2": 1}),
              "index_word": json.dumps({"1": "a", "2": "b"}), "word_index": json.dumps({"a": 1, "b": 2})}
    tokenizer = tokenizer_from_json(json.dumps({"class_name": "Tokenizer", "config": config}))
    assert tokenizer.index_word == {1: "a", 2: "b"} and tokenizer.index_docs == {1: 2, 2: 1}
    assert tokenizer.texts_to_sequences(["B a!"]) == [[2, 1]]
