"""cifar100: fine and coarse labels, downloads of the tarball, and parity with Keras."""

from __future__ import annotations

import hashlib
import inspect
import sys

import numpy as np
import pytest

from _cifar_files import batch, write_tarball
from strata.datasets import cifar10, cifar100
from strata.datasets._download import DownloadError

FOLDER = "cifar-100-python"


def _split(seed=0, n_train=6, n_test=4):
    rng = np.random.default_rng(seed)
    out = {}
    for name, n in (("train", n_train), ("test", n_test)):
        out[name] = (
            rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8),
            {"fine_labels": [int(v) for v in rng.integers(0, 100, n)],
             "coarse_labels": [int(v) for v in rng.integers(0, 20, n)]},
        )
    return out


def _files(split):
    return {name: batch(x, labels, name.encode()) for name, (x, labels) in split.items()}


def _assert_same(ours, theirs):
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.keras
@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_matches_keras(keras, tmp_path, monkeypatch, label_mode):
    split = _split()
    (tmp_path / FOLDER).mkdir()
    for name, data in _files(split).items():
        (tmp_path / FOLDER / name).write_bytes(data)
    monkeypatch.setattr(sys.modules["keras.src.datasets.cifar100"], "get_file", lambda *a, **k: str(tmp_path))
    ours = cifar100.load_data(label_mode, data_dir=tmp_path)
    _assert_same(ours, keras.datasets.cifar100.load_data(label_mode))
    (x_train, y_train), (x_test, y_test) = ours
    assert x_train.shape == (6, 32, 32, 3) and y_test.shape == (4, 1) and y_train.dtype == np.int64
    np.testing.assert_array_equal(x_train[2], split["train"][0][2].transpose(1, 2, 0))
    np.testing.assert_array_equal(y_train[:, 0], split["train"][1][f"{label_mode}_labels"])


@pytest.mark.keras
def test_signatures_match_keras(keras):
    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
                if p.name != "data_dir"]

    assert params(cifar100.load_data) == params(keras.datasets.cifar100.load_data)
    assert params(cifar10.load_data) == params(keras.datasets.cifar10.load_data)


def test_bad_label_mode_is_refused():
    with pytest.raises(ValueError, match=r"label_mode must be 'fine' .* or 'coarse' .*Received: label_mode='medium'"):
        cifar100.load_data("medium")


def test_download_extracts_verifies_and_reuses_the_cache(server, cache_home, monkeypatch):
    split = _split(seed=1)
    data = write_tarball(server.root / "cifar-100-python.tar.gz", FOLDER, _files(split))
    monkeypatch.setattr(cifar100, "_ORIGIN", server.url + "/cifar-100-python.tar.gz")
    with pytest.raises(ValueError, match=r"cifar-100-python\.tar\.gz is corrupt.*expected 85cd44d0"):
        cifar100.load_data()
    monkeypatch.setattr(cifar100, "_FILE_SHA256", hashlib.sha256(data).hexdigest())
    (_, y_fine), _ = cifar100.load_data()
    assert (cache_home / "datasets" / "cifar-100-python-target" / FOLDER / "train").is_file()
    server.stop()
    (_, y_coarse), (x_test, _) = cifar100.load_data("coarse")
    np.testing.assert_array_equal(y_fine[:, 0], split["train"][1]["fine_labels"])
    np.testing.assert_array_equal(y_coarse[:, 0], split["train"][1]["coarse_labels"])
    np.testing.assert_array_equal(x_test, split["test"][0].transpose(0, 2, 3, 1))
    assert server.requests == ["/cifar-100-python.tar.gz"] * 2


def test_offline_error_and_local_tarball(server, cache_home, monkeypatch, tmp_path):
    server.stop()
    monkeypatch.setattr(cifar100, "_ORIGIN", server.url + "/cifar-100-python.tar.gz")
    with pytest.raises(DownloadError, match="To load CIFAR-100 without the network"):
        cifar100.load_data()
    split = _split(seed=2)
    write_tarball(tmp_path / "cifar-100-python.tar.gz", FOLDER, _files(split))
    (_, y_train), _ = cifar100.load_data("coarse", data_dir=tmp_path)
    np.testing.assert_array_equal(y_train[:, 0], split["train"][1]["coarse_labels"])


def test_a_batch_without_the_requested_labels_is_named(tmp_path):
    split = _split()
    del split["train"][1]["coarse_labels"]
    write_tarball(tmp_path / "cifar-100-python.tar.gz", FOLDER, _files(split))
    with pytest.raises(ValueError, match=r"train is not a valid CIFAR batch file: it has no coarse_labels entry"):
        cifar100.load_data("coarse", data_dir=tmp_path)
    write_tarball(tmp_path / "cifar-100-python.tar.gz", "other-folder", _files(_split()))
    with pytest.raises(FileNotFoundError, match=r"has no member cifar-100-python/train"):
        cifar100.load_data(data_dir=tmp_path)


def test_archives_that_are_not_tarballs_are_named(server, cache_home, monkeypatch, tmp_path):
    (tmp_path / "cifar-100-python.tar.gz").write_bytes(b"not a tarball")
    with pytest.raises(ValueError, match=r"cifar-100-python\.tar\.gz is not a readable tar archive"):
        cifar100.load_data(data_dir=tmp_path)
    (server.root / "cifar-100-python.tar.gz").write_bytes(b"not a tarball")
    monkeypatch.setattr(cifar100, "_ORIGIN", server.url + "/cifar-100-python.tar.gz")
    monkeypatch.setattr(cifar100, "_FILE_SHA256", hashlib.sha256(b"not a tarball").hexdigest())
    with pytest.raises(ValueError, match="is not an archive that archive_format='auto' can open"):
        cifar100.load_data()
