"""mnist / fashion_mnist: real downloads from a local server, and the local-folder option."""

from __future__ import annotations

import gzip
import hashlib
import io
import pathlib
import struct

import numpy as np
import pytest

from strata.datasets import _idx, fashion_mnist, mnist
from strata.datasets._download import DownloadError

IDX_NAMES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def _small_split(seed=0, n_train=7, n_test=3):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, (n_train,), dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, (n_test,), dtype=np.uint8),
    }


def _idx_bytes(array: np.ndarray, magic=None) -> bytes:
    magic = magic if magic is not None else 0x800 + array.ndim
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    return gzip.compress(header + array.tobytes())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_equal(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, key in zip((x_train, y_train, x_test, y_test), ("x_train", "y_train", "x_test", "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


# --- downloads -------------------------------------------------------------------------------


def test_mnist_downloads_verifies_and_reuses_the_cache(server, cache_home, monkeypatch):
    arrays = _small_split()
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    (server.root / "mnist.npz").write_bytes(buf.getvalue())
    monkeypatch.setattr(mnist, "_ORIGIN", server.url + "/")
    monkeypatch.setattr(mnist, "_NPZ_SHA256", _sha(buf.getvalue()))

    _check_equal(mnist.load_data(), arrays)
    assert (cache_home / "datasets" / "mnist.npz").is_file()
    server.stop()
    _check_equal(mnist.load_data(), arrays)  # from the cache, no server
    assert server.requests == ["/mnist.npz"]


def test_mnist_download_with_wrong_hash_leaves_no_file(server, cache_home, monkeypatch):
    (server.root / "mnist.npz").write_bytes(b"not what Keras published")
    monkeypatch.setattr(mnist, "_ORIGIN", server.url + "/")
    with pytest.raises(ValueError, match=r"mnist\.npz is corrupt.*expected 731c5ac6"):
        mnist.load_data()
    assert list((cache_home / "datasets").iterdir()) == []


def test_offline_error_names_the_local_folder_option(server, cache_home, monkeypatch):
    server.stop()
    monkeypatch.setattr(mnist, "_ORIGIN", server.url + "/")
    monkeypatch.setattr(fashion_mnist, "_ORIGIN", server.url + "/")
    with pytest.raises(DownloadError, match="To load MNIST without the network, pass data_dir="):
        mnist.load_data()
    with pytest.raises(DownloadError, match="set STRATA_DATASETS_DIR to a folder"):
        fashion_mnist.load_data()


def _serve_fashion(server, monkeypatch, arrays, corrupt=None):
    hashes = {}
    for name, key in zip(IDX_NAMES, ("x_train", "y_train", "x_test", "y_test")):
        data = _idx_bytes(arrays[key], magic=1234 if name == corrupt else None)
        (server.root / name).write_bytes(data)
        hashes[name] = _sha(data)
    monkeypatch.setattr(fashion_mnist, "_ORIGIN", server.url + "/")
    monkeypatch.setattr(fashion_mnist, "_SHA256", hashes)


def test_fashion_mnist_downloads_four_files_into_its_cache_folder(server, cache_home, monkeypatch):
    arrays = _small_split(seed=1)
    _serve_fashion(server, monkeypatch, arrays)
    _check_equal(fashion_mnist.load_data(), arrays)
    assert sorted(p.name for p in (cache_home / "datasets" / "fashion-mnist").iterdir()) == sorted(IDX_NAMES)
    server.stop()
    _check_equal(fashion_mnist.load_data(), arrays)


def test_fashion_mnist_rejects_a_tampered_download(server, cache_home, monkeypatch):
    _serve_fashion(server, monkeypatch, _small_split())
    (server.root / "t10k-images-idx3-ubyte.gz").write_bytes(b"tampered")
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz is corrupt or not the expected one"):
        fashion_mnist.load_data()
    assert not (cache_home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists()


def test_env_var_folder_without_the_dataset_falls_back_to_download(
    server, cache_home, tmp_path, monkeypatch
):
    arrays = _small_split(seed=2)
    _serve_fashion(server, monkeypatch, arrays)
    (tmp_path / "mirror" / "mnist").mkdir(parents=True)  # a mirror holding another dataset only
    monkeypatch.setenv("STRATA_DATASETS_DIR", str(tmp_path / "mirror"))
    _check_equal(fashion_mnist.load_data(), arrays)


def test_corrupt_idx_file_gives_a_clear_error(server, cache_home, monkeypatch):
    _serve_fashion(server, monkeypatch, _small_split(), corrupt="train-labels-idx1-ubyte.gz")
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte\.gz is not a valid idx file "
                                         r"\(its magic number is 1234, expected 2049\)"):
        fashion_mnist.load_data()


# --- the idx reader --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (gzip.compress(b"\x00\x00\x08"), "too short for a header"),
        (
            gzip.compress(struct.pack(">IIII", 2051, 2, 28, 28) + bytes(100)),
            "announces 1568 data bytes but it holds 100",
        ),
        (gzip.compress(struct.pack(">IIII", 2051, 1, 28, 28) + bytes(785)), "more than the 784 data bytes"),
        (gzip.compress(struct.pack(">IIII", 2051, 1, 28, 28) + bytes(784))[:-12], "not a valid idx file"),
    ],
    ids=["short-header", "short-data", "extra-data", "truncated-gzip"],
)
def test_idx_reader_rejects_bad_files(tmp_path, data, message):
    path = tmp_path / "bad-idx3-ubyte.gz"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message):
        _idx.read_idx(path, _idx.IMAGES_MAGIC)


def test_idx_reader_accepts_uncompressed_files(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(gzip.decompress(_idx_bytes(labels)))
    out = _idx.read_idx(path, _idx.LABELS_MAGIC)
    np.testing.assert_array_equal(out, labels)
    assert out.flags.writeable


# --- local folders (the real shared data) ----------------------------------------------------


def _check_mnist(loaded):
    (x_train, y_train), (x_test, y_test) = loaded
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert x_train.mean() == pytest.approx(33.3184, abs=1e-3)
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS


def test_mnist_from_data_dir_argument(shared_datasets, monkeypatch):
    monkeypatch.setenv("STRATA_DATASETS_DIR", "/nonexistent")  # the argument wins
    _check_mnist(mnist.load_data(data_dir=shared_datasets))


def test_mnist_from_env_var(shared_datasets, monkeypatch):
    monkeypatch.setenv("STRATA_DATASETS_DIR", str(shared_datasets))
    monkeypatch.setattr(mnist, "_ORIGIN", "http://127.0.0.1:9/")  # would fail if it downloaded
    _check_mnist(mnist.load_data())


def test_mnist_from_a_local_npz_without_keras_hash(shared_datasets, tmp_path):
    (tmp_path / "mnist.npz").symlink_to(shared_datasets / "mnist" / "mnist.npz")
    _check_mnist(mnist.load_data(data_dir=tmp_path))


def test_fashion_mnist_from_local_folder(shared_datasets, monkeypatch):
    monkeypatch.setenv("STRATA_DATASETS_DIR", str(shared_datasets))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert x_train.mean() / 255 == pytest.approx(0.2860, abs=1e-4)
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    # The same arrays when data_dir names the dataset's own folder.
    (_, y_train_2), _ = fashion_mnist.load_data(data_dir=shared_datasets / "fashion_mnist")
    np.testing.assert_array_equal(y_train_2, y_train)


def _partial_copy(shared: pathlib.Path, tmp_path: pathlib.Path, dataset: str, skip: str) -> pathlib.Path:
    folder = tmp_path / "local" / dataset
    folder.mkdir(parents=True)
    for name in IDX_NAMES:
        if name != skip:
            (folder / name).symlink_to(shared / dataset / name)
    return folder.parent


def test_missing_local_file_is_named(shared_datasets, tmp_path):
    root = _partial_copy(shared_datasets, tmp_path, "fashion_mnist", skip="t10k-labels-idx1-ubyte.gz")
    with pytest.raises(FileNotFoundError, match=r"\(from data_dir=.*\) lacks t10k-labels-idx1-ubyte\.gz"):
        fashion_mnist.load_data(data_dir=root)
    root = _partial_copy(shared_datasets, tmp_path / "m", "mnist", skip="train-images-idx3-ubyte.gz")
    with pytest.raises(FileNotFoundError, match=r"lacks train-images-idx3-ubyte\.gz.*or instead mnist\.npz"):
        mnist.load_data(data_dir=root)
    with pytest.raises(FileNotFoundError, match="Received: data_dir="):
        mnist.load_data(data_dir=tmp_path / "nowhere")


def test_corrupt_local_file_fails_its_published_hash(shared_datasets, tmp_path):
    root = _partial_copy(shared_datasets, tmp_path, "mnist", skip="train-labels-idx1-ubyte.gz")
    (root / "mnist" / "train-labels-idx1-ubyte.gz").write_bytes(_idx_bytes(np.zeros(60000, np.uint8)))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte\.gz does not match the published file: "
                                         r"its sha256 is [0-9a-f]{64}, expected 3552534a"):
        mnist.load_data(data_dir=root)
