"""reuters: Keras's processing on small generated files, downloads, word index and label names."""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import sys

import numpy as np
import pytest

from strata.datasets import reuters
from strata.datasets._download import DownloadError


def _reuters_npz(seed=0, n=40, vocab=60, max_len=14) -> bytes:
    rng = np.random.default_rng(seed)
    xs = np.empty(n, dtype=object)
    for i in range(n):
        xs[i] = [int(w) for w in rng.integers(1, vocab, rng.integers(1, max_len))]
    buf = io.BytesIO()
    np.savez(buf, x=xs, y=rng.integers(0, 46, n))
    return buf.getvalue()


def _assert_same(ours, theirs):
    for (x, y), (kx, ky) in zip(ours, theirs):
        assert x.dtype == kx.dtype == object and x.shape == kx.shape
        assert [list(s) for s in x] == [list(s) for s in kx]
        assert y.dtype == ky.dtype
        np.testing.assert_array_equal(y, ky)


@pytest.fixture
def reuters_file(tmp_path):
    path = tmp_path / "reuters" / "reuters.npz"
    path.parent.mkdir()
    path.write_bytes(_reuters_npz())
    return path


KWARGS = [
    {},
    {"num_words": 30, "skip_top": 5, "test_split": 0.3},
    {"maxlen": 7},
    {"maxlen": 10, "oov_char": None, "num_words": 20, "seed": 5},
    {"start_char": None, "index_from": 0, "test_split": 0.0},
    {"start_char": None, "index_from": 2, "test_split": 1.0},
]


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", KWARGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "defaults")
def test_processing_matches_keras(keras, reuters_file, monkeypatch, kwargs):
    monkeypatch.setattr(sys.modules["keras.src.datasets.reuters"], "get_file",
                        lambda *a, **k: str(reuters_file))
    _assert_same(
        reuters.load_data(data_dir=reuters_file.parent, **kwargs),
        keras.datasets.reuters.load_data(**kwargs),
    )


def _params(fn):
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
            if p.name != "data_dir"]


@pytest.mark.keras
def test_api_matches_keras(keras):
    for name in ("load_data", "get_word_index", "get_label_names"):
        assert _params(getattr(reuters, name)) == _params(getattr(keras.datasets.reuters, name))
    assert reuters.get_label_names() == keras.datasets.reuters.get_label_names()
    assert len(reuters.get_label_names()) == 46


def test_default_split_sizes(reuters_file):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(data_dir=reuters_file.parent)
    assert (len(x_train), len(y_train), len(x_test), len(y_test)) == (32, 32, 8, 8)
    assert all(s[0] == 1 for s in x_train)


def test_bad_arguments_are_refused(reuters_file):
    with pytest.raises(ValueError, match=r"test_split must be a fraction in \[0, 1\].*Received: test_split=1\.5"):
        reuters.load_data(data_dir=reuters_file.parent, test_split=1.5)
    with pytest.raises(ValueError, match="maxlen=2 left no story.*Increase maxlen"):
        reuters.load_data(data_dir=reuters_file.parent, maxlen=2)


def test_download_verifies_and_reuses_the_cache(server, cache_home, monkeypatch):
    data = _reuters_npz(seed=1)
    (server.root / "reuters.npz").write_bytes(data)
    monkeypatch.setattr(reuters, "_ORIGIN", server.url + "/")
    with pytest.raises(ValueError, match=r"reuters\.npz is corrupt or not the expected one.*expected d6586e69"):
        reuters.load_data()
    monkeypatch.setattr(reuters, "_FILE_SHA256", hashlib.sha256(data).hexdigest())
    first = reuters.load_data(num_words=40)
    assert (cache_home / "datasets" / "reuters.npz").read_bytes() == data
    server.stop()
    _assert_same(reuters.load_data(num_words=40), first)
    assert server.requests == ["/reuters.npz", "/reuters.npz"]


def test_offline_error_and_corrupt_file(server, cache_home, monkeypatch, tmp_path):
    server.stop()
    monkeypatch.setattr(reuters, "_ORIGIN", server.url + "/")
    with pytest.raises(DownloadError, match=r"To load Reuters without the network.*reuters/"):
        reuters.load_data()
    (tmp_path / "reuters.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"reuters\.npz is not a valid \.npz file"):
        reuters.load_data(data_dir=tmp_path)


def test_word_index_download(server, cache_home, monkeypatch):
    data = json.dumps({"said": 1, "mln": 2}).encode()
    (server.root / "reuters_word_index.json").write_bytes(data)
    monkeypatch.setattr(reuters, "_ORIGIN", server.url + "/")
    monkeypatch.setattr(reuters, "_WORD_INDEX_MD5", hashlib.md5(data).hexdigest())
    assert reuters.get_word_index() == {"said": 1, "mln": 2}
    server.stop()
    assert reuters.get_word_index() == {"said": 1, "mln": 2}
    (cache_home / "datasets" / "reuters_word_index.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(DownloadError):  # a damaged cache copy is fetched again
        reuters.get_word_index()


def test_a_local_word_index_that_is_not_json_is_named(tmp_path):
    (tmp_path / "reuters_word_index.json").write_text("{'said': 1")
    with pytest.raises(ValueError, match=r"reuters_word_index\.json is not a word-index JSON file"):
        reuters.get_word_index(data_dir=tmp_path)
