"""imdb: Keras's processing on small generated files, downloads, and safe reading of the npz."""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import pickle
import sys
import zipfile

import numpy as np
import pytest

from strata.datasets import _safe_pickle, imdb
from strata.datasets._download import DownloadError


def _ragged(rng, n, vocab=40, max_len=12):
    """An object array of Python int lists, as Keras's files store the texts."""
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(w) for w in rng.integers(1, vocab, rng.integers(1, max_len))]
    return out


def _imdb_npz(seed=0, n_train=30, n_test=20) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    np.savez(
        buf,
        x_train=_ragged(rng, n_train), y_train=rng.integers(0, 2, n_train),
        x_test=_ragged(rng, n_test), y_test=rng.integers(0, 2, n_test),
    )
    return buf.getvalue()


def _assert_same(ours, theirs):
    for (x, y), (kx, ky) in zip(ours, theirs):
        assert x.dtype == kx.dtype == object and x.shape == kx.shape
        assert [list(s) for s in x] == [list(s) for s in kx]
        assert all(type(w) is type(kw) for s, ks in zip(x, kx) for w, kw in zip(s, ks))
        assert y.dtype == ky.dtype
        np.testing.assert_array_equal(y, ky)


@pytest.fixture
def imdb_file(tmp_path):
    path = tmp_path / "imdb" / "imdb.npz"
    path.parent.mkdir()
    path.write_bytes(_imdb_npz())
    return path


KWARGS = [
    {},
    {"num_words": 20, "skip_top": 4},
    {"maxlen": 8},
    {"maxlen": 9, "num_words": 15, "oov_char": None},
    {"start_char": None, "index_from": 0},
    {"start_char": None, "index_from": 5, "oov_char": 7, "seed": 7},
    {"start_char": 2, "index_from": 0, "num_words": 0, "seed": 11},
]


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", KWARGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "defaults")
def test_processing_matches_keras(keras, imdb_file, monkeypatch, kwargs):
    keras_imdb = sys.modules["keras.src.datasets.imdb"]
    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(imdb_file))
    _assert_same(
        imdb.load_data(data_dir=imdb_file.parent.parent, **kwargs),
        keras.datasets.imdb.load_data(**kwargs),
    )


@pytest.mark.keras
def test_equal_length_sequences_give_a_2d_object_array_as_in_keras(keras, tmp_path, monkeypatch):
    xs = np.empty(3, dtype=object)
    for i in range(3):
        xs[i] = [1, 2, 3]
    np.savez(tmp_path / "imdb.npz", x_train=xs, y_train=np.zeros(3), x_test=xs, y_test=np.ones(3))
    monkeypatch.setattr(sys.modules["keras.src.datasets.imdb"], "get_file",
                        lambda *a, **k: str(tmp_path / "imdb.npz"))
    ours, theirs = imdb.load_data(data_dir=tmp_path), keras.datasets.imdb.load_data()
    assert ours[0][0].shape == theirs[0][0].shape == (3, 4)
    _assert_same(ours, theirs)


def _params(fn):
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
            if p.name != "data_dir"]


@pytest.mark.keras
def test_signatures_match_keras(keras):
    assert _params(imdb.load_data) == _params(keras.datasets.imdb.load_data)
    assert _params(imdb.get_word_index) == _params(keras.datasets.imdb.get_word_index)


def test_maxlen_that_removes_everything_is_refused(imdb_file):
    with pytest.raises(ValueError, match=r"maxlen=2 left no training review.*Increase maxlen"):
        imdb.load_data(data_dir=imdb_file.parent, maxlen=2)


def test_unknown_keyword_arguments_are_ignored_as_in_keras(imdb_file):
    (x, _), _ = imdb.load_data(data_dir=imdb_file.parent, nb_words=5)
    assert max(max(s) for s in x) > 5


# --- downloads ---------------------------------------------------------------------------------


def _serve(server, monkeypatch, data: bytes, name="imdb.npz"):
    (server.root / name).write_bytes(data)
    monkeypatch.setattr(imdb, "_ORIGIN", server.url + "/")
    monkeypatch.setattr(imdb, "_FILE_SHA256", hashlib.sha256(data).hexdigest())


def test_download_verifies_and_reuses_the_cache(server, cache_home, monkeypatch, imdb_file):
    _serve(server, monkeypatch, _imdb_npz())
    first = imdb.load_data(num_words=25)
    assert (cache_home / "datasets" / "imdb.npz").read_bytes() == _imdb_npz()
    server.stop()
    _assert_same(imdb.load_data(num_words=25), first)  # from the cache
    _assert_same(imdb.load_data(num_words=25, data_dir=imdb_file.parent), first)
    assert server.requests == ["/imdb.npz"]


def test_download_with_the_wrong_hash_is_refused(server, cache_home, monkeypatch):
    (server.root / "imdb.npz").write_bytes(_imdb_npz())
    monkeypatch.setattr(imdb, "_ORIGIN", server.url + "/")
    with pytest.raises(ValueError, match=r"imdb\.npz is corrupt or not the expected one.*expected 69664113"):
        imdb.load_data()
    assert list((cache_home / "datasets").iterdir()) == []


def test_corrupt_file_with_the_right_hash_gives_a_clear_error(server, cache_home, monkeypatch):
    _serve(server, monkeypatch, b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match=r"imdb\.npz is not a valid \.npz file"):
        imdb.load_data()


def test_offline_error_names_the_local_folder_option(server, cache_home, monkeypatch):
    server.stop()
    monkeypatch.setattr(imdb, "_ORIGIN", server.url + "/")
    with pytest.raises(DownloadError, match=r"To load IMDB without the network, pass data_dir= a folder holding imdb\.npz"):
        imdb.load_data()


def test_missing_arrays_are_named(tmp_path):
    np.savez(tmp_path / "imdb.npz", x_train=np.zeros(2))
    with pytest.raises(ValueError, match="not a valid IMDB .npz file: it has no array named y_train, x_test, y_test"):
        imdb.load_data(data_dir=tmp_path)


def test_word_index_download_and_local_copy(server, cache_home, monkeypatch, tmp_path):
    data = json.dumps({"the": 1, "and": 2, "film": 19}).encode()
    (server.root / "imdb_word_index.json").write_bytes(data)
    monkeypatch.setattr(imdb, "_ORIGIN", server.url + "/")
    with pytest.raises(ValueError, match=r"md5 hash is [0-9a-f]{32}, expected bfafd718"):
        imdb.get_word_index()
    monkeypatch.setattr(imdb, "_WORD_INDEX_MD5", hashlib.md5(data).hexdigest())
    assert imdb.get_word_index() == {"the": 1, "and": 2, "film": 19}
    assert (cache_home / "datasets" / "imdb_word_index.json").is_file()
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "imdb_word_index.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="holds a list, expected an object mapping words to ranks"):
        imdb.get_word_index(data_dir=tmp_path / "local")


# --- no code runs from a tampered file ----------------------------------------------------------


class _Exploit:
    def __reduce__(self):
        return (print, ("this must never run",))


def _npz_with_member(name: str, payload: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(name, payload)
    return buf.getvalue()


def test_a_malicious_object_array_is_refused(tmp_path, capsys):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    evil = header.getvalue() + pickle.dumps(_Exploit(), protocol=3)
    (tmp_path / "imdb.npz").write_bytes(_npz_with_member("x_train.npy", evil))
    with pytest.raises(pickle.UnpicklingError, match=r"Refusing to load `builtins\.print` from a dataset file"):
        imdb.load_data(data_dir=tmp_path)
    assert "never run" not in capsys.readouterr().out


def test_safe_npz_reader_reads_numeric_and_object_arrays(tmp_path):
    xs = np.empty(2, dtype=object)
    xs[0], xs[1] = [1, 2], [3]
    np.savez(tmp_path / "a.npz", xs=xs, n=np.arange(3, dtype=np.int16))
    arrays = _safe_pickle.load_npz(tmp_path / "a.npz")
    assert arrays["n"].dtype == np.int16 and list(arrays["xs"]) == [[1, 2], [3]]


def test_an_object_member_that_is_not_an_array_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    payload = header.getvalue() + pickle.dumps({"x": [1, 2]}, protocol=3)
    (tmp_path / "a.npz").write_bytes(_npz_with_member("xs.npy", payload))
    with pytest.raises(ValueError, match=r"a\.npz is not a valid \.npz file \(its object array should have "
                                         r"shape \(1,\), but the pickle holds dict"):
        _safe_pickle.load_npz(tmp_path / "a.npz")
