"""boston_housing: Keras's shuffle and split on a generated file, downloads, errors."""

from __future__ import annotations

import hashlib
import inspect
import io
import sys

import numpy as np
import pytest

from strata.datasets import boston_housing
from strata.datasets._download import DownloadError


def _boston_npz(n=506) -> bytes:
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    np.savez(buf, x=rng.normal(size=(n, 13)), y=rng.uniform(5, 50, n))
    return buf.getvalue()


@pytest.fixture
def boston_file(tmp_path):
    path = tmp_path / "boston_housing" / "boston_housing.npz"
    path.parent.mkdir()
    path.write_bytes(_boston_npz())
    return path


def _assert_same(ours, theirs):
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.33, "seed": 1}, {"test_split": 0.0}])
def test_split_matches_keras(keras, boston_file, monkeypatch, kwargs):
    monkeypatch.setattr(sys.modules["keras.src.datasets.boston_housing"], "get_file",
                        lambda *a, **k: str(boston_file))
    ours = boston_housing.load_data(data_dir=boston_file.parent.parent, **kwargs)
    _assert_same(ours, keras.datasets.boston_housing.load_data(**kwargs))
    if not kwargs:
        assert ours[0][0].shape == (404, 13) and ours[1][0].shape == (102, 13)


@pytest.mark.keras
def test_signature_matches_keras(keras):
    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
                if p.name != "data_dir"]

    assert params(boston_housing.load_data) == params(keras.datasets.boston_housing.load_data)


@pytest.mark.parametrize("test_split", [-0.1, 1.0])
def test_bad_test_split_is_refused(boston_file, test_split):
    with pytest.raises(ValueError, match=rf"test_split must be a fraction in \[0, 1\).*Received: test_split={test_split}"):
        boston_housing.load_data(test_split=test_split, data_dir=boston_file.parent)


def test_download_verifies_and_reuses_the_cache(server, cache_home, monkeypatch, boston_file):
    data = _boston_npz()
    (server.root / "boston_housing.npz").write_bytes(data)
    monkeypatch.setattr(boston_housing, "_ORIGIN", server.url + "/")
    with pytest.raises(ValueError, match=r"boston_housing\.npz is corrupt.*expected f553886a"):
        boston_housing.load_data()
    monkeypatch.setattr(boston_housing, "_FILE_SHA256", hashlib.sha256(data).hexdigest())
    first = boston_housing.load_data(path="boston.npz")
    assert (cache_home / "datasets" / "boston.npz").read_bytes() == data
    server.stop()
    _assert_same(boston_housing.load_data(path="boston.npz"), first)
    _assert_same(boston_housing.load_data(data_dir=boston_file.parent), first)
    with pytest.raises(DownloadError, match="To load Boston housing without the network"):
        boston_housing.load_data()  # default name: not cached, and the server is gone


def test_corrupt_or_foreign_files_are_named(tmp_path):
    np.savez(tmp_path / "boston_housing.npz", features=np.zeros((2, 13)))
    with pytest.raises(ValueError, match="not a valid Boston housing .npz file: it has no array named x, y"):
        boston_housing.load_data(data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"lacks other\.npz"):
        boston_housing.load_data(path="other.npz", data_dir=tmp_path)
