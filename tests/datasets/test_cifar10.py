"""cifar10: the pickled batch format, downloads of the tarball, safety, and parity with Keras."""

from __future__ import annotations

import hashlib
import pickle
import sys

import numpy as np
import pytest

from _cifar_files import batch, py2_pickle, write_tarball
from strata import config
from strata.datasets import cifar10
from strata.datasets._download import DownloadError
from strata.datasets._safe_pickle import RefusedObjectError

FOLDER = "cifar-10-batches-py"
NAMES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


def _batches(per_batch=3, seed=0):
    """{name: (images (n, 3, 32, 32), labels)} for the six batch files."""
    rng = np.random.default_rng(seed)
    return {
        name: (rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8),
               [int(v) for v in rng.integers(0, 10, per_batch)])
        for name in NAMES
    }


def _files(batches):
    return {name: batch(x, {"labels": labels}, name.encode()) for name, (x, labels) in batches.items()}


def _expected(batches):
    x_train = np.concatenate([batches[n][0] for n in NAMES[:5]]).transpose(0, 2, 3, 1)
    y_train = np.array([v for n in NAMES[:5] for v in batches[n][1]], np.uint8).reshape(-1, 1)
    x_test, y_test = batches["test_batch"]
    return (x_train, y_train), (x_test.transpose(0, 2, 3, 1), np.array(y_test, np.uint8).reshape(-1, 1))


def _assert_same(ours, theirs):
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def _serve(server, monkeypatch, batches):
    data = write_tarball(server.root / "cifar-10-python.tar.gz", FOLDER, _files(batches))
    monkeypatch.setattr(cifar10, "_ORIGIN", server.url + "/cifar-10-python.tar.gz")
    monkeypatch.setattr(cifar10, "_FILE_SHA256", hashlib.sha256(data).hexdigest())


def test_download_extracts_verifies_and_reuses_the_cache(server, cache_home, monkeypatch):
    batches = _batches()
    _serve(server, monkeypatch, batches)
    loaded = cifar10.load_data()
    _assert_same(loaded, _expected(batches))
    assert loaded[0][0].shape == (15, 32, 32, 3) and loaded[1][1].shape == (3, 1)
    target = cache_home / "datasets" / "cifar-10-batches-py-target"
    assert sorted(p.name for p in (target / FOLDER).iterdir()) == sorted(NAMES)
    assert (cache_home / "datasets" / "cifar-10-batches-py-target_archive").is_file()
    server.stop()
    _assert_same(cifar10.load_data(), _expected(batches))
    assert server.requests == ["/cifar-10-python.tar.gz"]


def test_tampered_download_is_refused(server, cache_home, monkeypatch):
    write_tarball(server.root / "cifar-10-python.tar.gz", FOLDER, _files(_batches()))
    monkeypatch.setattr(cifar10, "_ORIGIN", server.url + "/cifar-10-python.tar.gz")
    with pytest.raises(ValueError, match=r"cifar-10-python\.tar\.gz is corrupt or not the expected one.*expected 6d958be0"):
        cifar10.load_data()
    assert list((cache_home / "datasets").iterdir()) == []


def test_offline_error_names_the_local_options(server, cache_home, monkeypatch):
    server.stop()
    monkeypatch.setattr(cifar10, "_ORIGIN", server.url + "/cifar-10-python.tar.gz")
    with pytest.raises(DownloadError, match=r"cifar-10-python\.tar\.gz or cifar-10-batches-py/.*'cifar10/'"):
        cifar10.load_data()


def test_local_tarball_is_read_without_extracting(tmp_path, monkeypatch):
    batches = _batches(seed=1)
    (tmp_path / "cifar10").mkdir()
    write_tarball(tmp_path / "cifar10" / "cifar-10-python.tar.gz", FOLDER, _files(batches))
    monkeypatch.setenv("STRATA_DATASETS_DIR", str(tmp_path))
    _assert_same(cifar10.load_data(), _expected(batches))
    assert sorted(p.name for p in (tmp_path / "cifar10").iterdir()) == ["cifar-10-python.tar.gz"]


def test_local_folder_and_missing_files(tmp_path):
    batches = _batches(seed=2)
    (tmp_path / FOLDER).mkdir()
    for name, data in _files(batches).items():
        (tmp_path / FOLDER / name).write_bytes(data)
    _assert_same(cifar10.load_data(data_dir=tmp_path), _expected(batches))
    (tmp_path / FOLDER / "data_batch_4").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks data_batch_4"):
        cifar10.load_data(data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"The CIFAR folder .*cifar-10-batches-py lacks data_batch_4"):
        cifar10.load_data(data_dir=tmp_path / FOLDER)  # the extracted folder itself
    (tmp_path / "other").mkdir()
    with pytest.raises(FileNotFoundError, match=r"lacks cifar-10-python\.tar\.gz\. It needs: .*"
                                                r"\(or instead a cifar-10-batches-py/ folder\)"):
        cifar10.load_data(data_dir=tmp_path / "other")


def test_channels_first_keeps_the_stored_layout(tmp_path):
    batches = _batches(seed=3)
    write_tarball(tmp_path / "cifar-10-python.tar.gz", FOLDER, _files(batches))
    config.set_image_data_format("channels_first")
    try:
        (x_train, _), (x_test, _) = cifar10.load_data(data_dir=tmp_path)
    finally:
        config.set_image_data_format("channels_last")
    np.testing.assert_array_equal(x_train[:3], batches["data_batch_1"][0])
    assert x_test.shape == (3, 3, 32, 32)


# --- malformed and malicious batch files ---------------------------------------------------------


class _Exploit:
    def __reduce__(self):
        import os
        return (os.system, ("echo this must never run",))


@pytest.mark.parametrize(
    "payload, message",
    [
        (pickle.dumps({"data": _Exploit()}, protocol=2), r"Refusing to load `(posix|os)\.system` from a dataset file"),
        (pickle.dumps([1, 2], protocol=2), "holds a list, expected a dict"),
        (py2_pickle({b"labels": [1]}), "it has no data entry"),
        (py2_pickle({b"data": np.zeros((2, 100), np.uint8), b"labels": [1, 2]}), r"shape \(n, 3072\), got ndarray uint8 \(2, 100\)"),
        (py2_pickle({b"data": np.zeros((2, 3072), np.uint8), b"labels": [1]}), "holds 2 images but 1 labels"),
        (py2_pickle({b"data": np.zeros((2, 3072), np.uint8)})[:50], "not a valid CIFAR batch file"),
    ],
    ids=["os-system", "not-a-dict", "no-data", "bad-shape", "label-count", "truncated"],
)
def test_bad_batch_files_are_refused(tmp_path, capfd, payload, message):
    files = _files(_batches())
    files["data_batch_2"] = payload
    write_tarball(tmp_path / "cifar-10-python.tar.gz", FOLDER, files)
    with pytest.raises((ValueError, RefusedObjectError), match=message):
        cifar10.load_data(data_dir=tmp_path)
    assert "never run" not in capfd.readouterr().out


# --- Keras on the same files (full size: Keras fixes 5 x 10,000 training images) ----------------


@pytest.mark.keras
def test_full_size_files_match_keras(keras, tmp_path, monkeypatch):
    rng = np.random.default_rng(4)
    base = rng.integers(0, 256, (10000, 3, 32, 32), dtype=np.uint8)
    folder = tmp_path / "cifar10" / FOLDER
    folder.mkdir(parents=True)
    for i, name in enumerate(NAMES):
        labels = [int(v) for v in rng.integers(0, 10, 10000)]
        (folder / name).write_bytes(batch(base ^ np.uint8(i), {"labels": labels}, name.encode()))
    monkeypatch.setattr(sys.modules["keras.src.datasets.cifar10"], "get_file",
                        lambda *a, **k: str(folder.parent))
    ours = cifar10.load_data(data_dir=tmp_path)
    assert ours[0][0].shape == (50000, 32, 32, 3) and ours[0][1].shape == (50000, 1)
    assert ours[0][1].dtype == np.uint8
    _assert_same(ours, keras.datasets.cifar10.load_data())
