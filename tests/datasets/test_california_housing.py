"""california_housing: the shared StatLib table, Keras's processing, downloads and errors."""

from __future__ import annotations

import hashlib
import inspect
import io
import sys

import numpy as np
import pytest

from strata.datasets import california_housing
from strata.datasets._download import DownloadError


def _npz(x, y) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, x=x, y=y)
    return buf.getvalue()


def _small_arrays(n=700):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 8)).astype(np.float32), rng.uniform(1e4, 5e5, n).astype(np.float32)


def _assert_same(ours, theirs):
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def _keras_reads(monkeypatch, path):
    monkeypatch.setattr(sys.modules["keras.src.datasets.california_housing"], "get_file",
                        lambda *a, **k: str(path))


KWARGS = [{}, {"version": "small"}, {"version": "small", "test_split": 0.5, "seed": 3}, {"test_split": 0.0}]


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", KWARGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "defaults")
def test_processing_matches_keras(keras, tmp_path, monkeypatch, kwargs):
    (tmp_path / "california_housing.npz").write_bytes(_npz(*_small_arrays()))
    _keras_reads(monkeypatch, tmp_path / "california_housing.npz")
    _assert_same(
        california_housing.load_data(data_dir=tmp_path, **kwargs),
        keras.datasets.california_housing.load_data(**kwargs),
    )


@pytest.mark.keras
def test_signature_matches_keras(keras):
    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
                if p.name != "data_dir"]

    assert params(california_housing.load_data) == params(keras.datasets.california_housing.load_data)


# --- the shared copy of the StatLib table --------------------------------------------------------


def test_shared_table_gives_keras_shapes_and_published_values(shared_datasets):
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(data_dir=shared_datasets)
    assert x_train.shape == (16512, 8) and x_test.shape == (4128, 8)
    assert y_train.shape == (16512,) and y_test.shape == (4128,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.float32)}
    # Values Keras users see (Deep Learning with Python, 3rd ed., listing 4.24): the first
    # training targets of the default split, and the last ones of version="small".
    np.testing.assert_array_equal(y_train[:3], [252300.0, 146900.0, 290900.0])
    (x_small, y_small), (x_small_test, _) = california_housing.load_data("small", data_dir=shared_datasets)
    assert x_small.shape == (480, 8) and x_small_test.shape == (120, 8)
    np.testing.assert_array_equal(y_small[-2:], [140500.0, 217100.0])


@pytest.mark.keras
def test_shared_table_through_keras_processing(keras, shared_datasets, tmp_path, monkeypatch):
    x, y = california_housing.read_csv(shared_datasets / "california_housing" / "cal_housing.csv")
    assert x.shape == (20640, 8) and y.shape == (20640,)
    np.testing.assert_array_equal(x[0], np.float32([-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252]))
    (tmp_path / "keras.npz").write_bytes(_npz(x, y))
    _keras_reads(monkeypatch, tmp_path / "keras.npz")
    monkeypatch.setenv("STRATA_DATASETS_DIR", str(shared_datasets))
    for kwargs in ({}, {"version": "small", "seed": 0}):
        _assert_same(california_housing.load_data(**kwargs),
                     keras.datasets.california_housing.load_data(**kwargs))


def test_headerless_crlf_table_reads_the_same(tmp_path):
    (tmp_path / "cal_housing.csv").write_bytes(
        b"-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000\r\n"
        b"-122.220000,37.860000,21.000000,7099.000000,1106.000000,2401.000000,1138.000000,8.301400,358500.000000\r\n"
    )
    x, y = california_housing.read_csv(tmp_path / "cal_housing.csv")
    assert x.dtype == y.dtype == np.float32 and x.shape == (2, 8)
    np.testing.assert_array_equal(y, [452600.0, 358500.0])
    (_, y_train), (_, y_test) = california_housing.load_data(data_dir=tmp_path, test_split=0.5)
    assert sorted([*y_train, *y_test]) == [358500.0, 452600.0]


def test_local_npz_wins_over_the_table(tmp_path):
    x, y = _small_arrays()
    (tmp_path / "california_housing.npz").write_bytes(_npz(x, y))
    (tmp_path / "cal_housing.csv").write_text("1,2,3,4,5,6,7,8,9\n")
    (x_train, _), (x_test, _) = california_housing.load_data(data_dir=tmp_path)
    assert len(x_train) + len(x_test) == 700


def test_bad_tables_and_missing_files_are_named(tmp_path):
    (tmp_path / "cal_housing.csv").write_text("1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match="rows hold 3 values, expected 9"):
        california_housing.load_data(data_dir=tmp_path)
    (tmp_path / "cal_housing.csv").write_text("1,2,3,4,5,6,7,8,9\n1,2,x,4,5,6,7,8,9\n")
    with pytest.raises(ValueError, match="is not the California housing table"):
        california_housing.load_data(data_dir=tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"lacks california_housing\.npz.*or instead cal_housing\.csv"):
        california_housing.load_data(data_dir=tmp_path / "empty")


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"version must be 'small' .* or 'large' .*Received: version='medium'"):
        california_housing.load_data(version="medium", data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"Received: test_split=1"):
        california_housing.load_data(test_split=1, data_dir=tmp_path)


def test_download_verifies_and_reuses_the_cache(server, cache_home, monkeypatch):
    data = _npz(*_small_arrays())
    (server.root / "california_housing.npz").write_bytes(data)
    monkeypatch.setattr(california_housing, "_ORIGIN", server.url + "/")
    with pytest.raises(ValueError, match=r"california_housing\.npz is corrupt.*expected 1a2e3a52"):
        california_housing.load_data()
    monkeypatch.setattr(california_housing, "_FILE_SHA256", hashlib.sha256(data).hexdigest())
    first = california_housing.load_data(version="small")
    assert first[0][0].shape == (480, 8)
    server.stop()
    _assert_same(california_housing.load_data(version="small"), first)
    assert server.requests == ["/california_housing.npz"] * 2
    (cache_home / "datasets" / "california_housing.npz").write_bytes(b"damaged")
    with pytest.raises(DownloadError, match="To load California housing without the network"):
        california_housing.load_data()  # the damaged copy fails its hash, and there is no server
