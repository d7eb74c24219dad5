"""``weights="imagenet"``: Keras's file table, Keras's cache, verified downloads, and clear failures."""

from __future__ import annotations

import hashlib
import inspect
import os
import re

import numpy as np
import pytest

import strata
from strata.applications import _weights
from strata.datasets._download import DownloadError
from tests.applications.conftest import write_keras2_h5
from tests.datasets.conftest import LocalServer

VGG16_NOTOP = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"


@pytest.mark.keras
def test_weight_file_table_equals_installed_keras(keras):
    from keras.src.applications import (densenet, efficientnet, inception_v3, mobilenet, mobilenet_v2, resnet,
                                        vgg16, vgg19, xception)

    assert _weights.weights_file("vgg16", True)[1] == vgg16.WEIGHTS_PATH
    assert _weights.weights_file("vgg16", False)[1] == vgg16.WEIGHTS_PATH_NO_TOP
    assert _weights.weights_file("vgg19", True)[1] == vgg19.WEIGHTS_PATH
    assert _weights.weights_file("vgg19", False)[1] == vgg19.WEIGHTS_PATH_NO_TOP
    for module, key in ((inception_v3, "inception_v3"), (xception, "xception")):
        assert _weights.weights_file(key, True)[1] == module.WEIGHTS_PATH
        assert _weights.weights_file(key, False)[1] == module.WEIGHTS_PATH_NO_TOP
    for key in ("densenet121", "densenet169", "densenet201"):
        assert _weights.weights_file(key, True)[1] == getattr(densenet, f"{key.upper()}_WEIGHT_PATH")
        assert _weights.weights_file(key, False)[1] == getattr(densenet, f"{key.upper()}_WEIGHT_PATH_NO_TOP")
    for key in ("resnet50", "resnet101", "resnet152", "resnet50v2", "resnet101v2", "resnet152v2"):
        for top in (True, False):
            fname, url, md5 = _weights.weights_file(key, top)
            assert url == resnet.BASE_WEIGHTS_PATH + fname
            assert md5 == resnet.WEIGHTS_HASHES[key][0 if top else 1]
    for variant, hashes in _weights.EFFICIENTNET_HASHES.items():
        assert hashes == efficientnet.WEIGHTS_HASHES[variant]
        fname, url, _ = _weights.weights_file(f"efficientnet{variant}", False)
        assert url == efficientnet.BASE_WEIGHTS_PATH + f"efficientnet{variant}_notop.h5"
    # Hashes written inline in Keras's builders: each (file name, md5) pair appears in the source.
    for module, keys in ((vgg16, ["vgg16"]), (vgg19, ["vgg19"]), (inception_v3, ["inception_v3"]),
                         (xception, ["xception"]), (densenet, ["densenet121", "densenet169", "densenet201"])):
        source = inspect.getsource(module)
        for key in keys:
            for top in (True, False):
                fname, _, md5 = _weights.weights_file(key, top)
                assert re.search(re.escape(f'"{fname}"') + r",\s*\w+,\s*cache_subdir=\"models\",\s*"
                                 + re.escape(f'file_hash="{md5}"'), source), (key, top)
    assert _weights.mobilenet_file(0.5, 160, False)[1] == mobilenet.BASE_WEIGHT_PATH + "mobilenet_5_0_160_tf_no_top.h5"
    assert _weights.mobilenet_v2_file(1.0, 224, True)[1] == (
        mobilenet_v2.BASE_WEIGHT_PATH + "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5")
    from keras.src.applications import imagenet_utils

    assert strata.applications.imagenet_utils.CLASS_INDEX_PATH == imagenet_utils.CLASS_INDEX_PATH
    assert strata.applications.imagenet_utils.CLASS_INDEX_HASH in inspect.getsource(imagenet_utils)


@pytest.fixture
def vgg_file(tmp_path):
    """A VGG16 no-top file (32x32, random weights) in the published layout, and its md5."""
    model = strata.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path / VGG16_NOTOP
    write_keras2_h5(model, path)
    return path, hashlib.md5(path.read_bytes()).hexdigest(), model


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def _serve_as_keras(monkeypatch, server, md5):
    monkeypatch.setattr(_weights, "KERAS_APPS", server.url + "/")
    entry = _weights._CLASSIC_FILES["vgg16"]
    monkeypatch.setitem(_weights._CLASSIC_FILES, "vgg16", entry[:3] + (md5,))


def test_imagenet_weights_download_into_keras_cache_with_progress(tmp_path, vgg_file, keras_home, monkeypatch,
                                                                  capsys):
    path, md5, reference = vgg_file
    (tmp_path / "served" / "vgg16").mkdir(parents=True)
    os.replace(path, tmp_path / "served" / "vgg16" / VGG16_NOTOP)
    server = LocalServer(tmp_path / "served")
    try:
        _serve_as_keras(monkeypatch, server, md5)
        model = strata.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
        out = capsys.readouterr().out
        assert f"Downloading data from {server.url}/vgg16/{VGG16_NOTOP}" in out
        assert re.search(r"\[=+\] 100%", out)
        cached = keras_home / "models" / VGG16_NOTOP
        assert cached.is_file() and server.requests == [f"/vgg16/{VGG16_NOTOP}"]
        for ours, theirs in zip(model.weights, reference.weights):
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        # A file already in Keras's cache is reused without any request.
        strata.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
        assert len(server.requests) == 1
    finally:
        server.stop()


def test_offline_error_names_url_cache_path_and_manual_placement(vgg_file, keras_home, monkeypatch):
    monkeypatch.setattr(_weights, "KERAS_APPS", "http://127.0.0.1:9/")
    with pytest.raises(DownloadError) as info:
        strata.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    message = str(info.value)
    assert f"http://127.0.0.1:9/vgg16/{VGG16_NOTOP}" in message
    assert str(keras_home / "models" / VGG16_NOTOP) in message
    assert "copy it to" in message
    assert not (keras_home / "models" / VGG16_NOTOP).exists()


def test_truncated_download_is_removed_and_reported(tmp_path, vgg_file, keras_home, monkeypatch):
    path, md5, _ = vgg_file
    (tmp_path / "served" / "vgg16").mkdir(parents=True)
    os.replace(path, tmp_path / "served" / "vgg16" / VGG16_NOTOP)
    server = LocalServer(tmp_path / "served")
    server.truncate.add(f"vgg16/{VGG16_NOTOP}")
    try:
        _serve_as_keras(monkeypatch, server, md5)
        with pytest.raises((ValueError, DownloadError), match="partial download was removed"):
            strata.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    finally:
        server.stop()
    assert os.listdir(keras_home / "models") == []


def test_wrong_hash_after_download_is_removed_and_reported(tmp_path, vgg_file, keras_home, monkeypatch):
    path, _, _ = vgg_file
    (tmp_path / "served" / "vgg16").mkdir(parents=True)
    os.replace(path, tmp_path / "served" / "vgg16" / VGG16_NOTOP)
    server = LocalServer(tmp_path / "served")
    try:
        _serve_as_keras(monkeypatch, server, "0" * 32)
        with pytest.raises(ValueError, match=r"incomplete or corrupt.*partial download was removed"):
            strata.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    finally:
        server.stop()
    assert os.listdir(keras_home / "models") == []


def test_keras_cache_dir_follows_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert _weights.keras_cache_dir() == str(tmp_path / "kh")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _weights.keras_cache_dir() == str(tmp_path / "home" / ".keras")


def test_stale_cached_file_is_downloaded_again(tmp_path, vgg_file, keras_home, monkeypatch, capsys):
    path, md5, _ = vgg_file
    (tmp_path / "served" / "vgg16").mkdir(parents=True)
    os.replace(path, tmp_path / "served" / "vgg16" / VGG16_NOTOP)
    (keras_home / "models").mkdir(parents=True)
    (keras_home / "models" / VGG16_NOTOP).write_bytes(b"half a file")
    server = LocalServer(tmp_path / "served")
    try:
        _serve_as_keras(monkeypatch, server, md5)
        strata.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    finally:
        server.stop()
    assert "md5 file hash does not match the original value" in capsys.readouterr().out
    assert hashlib.md5((keras_home / "models" / VGG16_NOTOP).read_bytes()).hexdigest() == md5
