"""Damaged, hostile or wrong files give a clean ``ModelFileError`` naming the file, and write nothing.

Each variant is derived from a valid ``.keras`` / ``.weights.h5`` file: truncations, flipped
bytes, missing or extra (``../``) members, wrong dataset shapes, unregistered classes, marshalled
code, other formats, empty files and directories.  A flipped byte may land in data that no
checksum covers (a weight value, a timestamp), so those variants may also load; they must never
raise anything but ``ModelFileError``.
"""

from __future__ import annotations

import base64
import io
import json
import marshal
import os
import warnings
import zipfile

import numpy as np
import pytest

import strata
from strata import layers
from strata.saving import ModelFileError

X = np.random.default_rng(3).normal(size=(8, 4)).astype("float32")


def _model():
    model = strata.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((8, 2), "float32"), epochs=1, verbose=0)
    return model


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which one variant needs
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def _h5(build) -> bytes:
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        build(h5file)
    return buffer.getvalue()


def _copy_h5(data: bytes, edit) -> bytes:
    import h5py

    source = h5py.File(io.BytesIO(data), "r")

    def build(target):
        for key in source:
            source.copy(source[key], target, key)
        edit(target)

    try:
        return _h5(build)
    finally:
        source.close()


def _flip(data: bytes, offset: int) -> bytes:
    offset = offset % len(data)
    return data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1:]


def _wrong_shape(h5file):
    del h5file["layers/dense/vars/0"]
    h5file["layers/dense/vars/0"] = np.zeros((5, 3), "float32")


def _group_not_dataset(h5file):
    del h5file["layers/dense_1/vars/1"]
    h5file.create_group("layers/dense_1/vars/1")


def _strings(h5file):
    del h5file["layers/dense/vars/1"]
    h5file["layers/dense/vars/1"] = np.array([b"a", b"b", b"c"])


def _lambda_config(config: dict) -> dict:
    code = base64.encodebytes(marshal.dumps((lambda x: x).__code__)).decode("ascii")
    lam = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
           "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                      "function": {"class_name": "__lambda__", "config": {"code": code, "defaults": None,
                                                                          "closure": None}},
                      "output_shape": None, "arguments": {}}}
    config = json.loads(json.dumps(config))
    config["config"]["layers"].append(lam)
    return config


def _keras_variants(valid: bytes, members: dict[str, bytes], tmp_path) -> dict[str, tuple[bytes | None, bool]]:
    """name -> (file bytes, or None for a directory; whether loading must fail)."""
    config = json.loads(members["config.json"])
    ordered = [(n, members[n]) for n in ("metadata.json", "config.json", "model.weights.h5")]
    unregistered = dict(config, config=dict(config["config"], layers=config["config"]["layers"] + [
        {"module": "my_project.layers", "class_name": "Sneaky", "config": {"name": "sneaky"},
         "registered_name": "Sneaky"}]))
    variants = {f"truncated_{n}": (valid[:n], True) for n in (1, 4, 30, 100, len(valid) // 2, len(valid) - 1,
                                                                len(valid) - 23)}
    variants.update({f"flipped_{o}": (_flip(valid, o), False) for o in (0, 3, 45, 120, len(valid) // 3,
                                                                        len(valid) // 2, -30, -5)})
    variants.update({
        "empty": (b"", True),
        "not_a_zip": (b"this is a text file, not a model\n" * 10, True),
        "directory": (None, True),
        "missing_config": (_zip([m for m in ordered if m[0] != "config.json"]), True),
        "missing_weights": (_zip([m for m in ordered if m[0] != "model.weights.h5"]), True),
        "dotdot_member": (_zip(ordered + [("../escaped.txt", b"owned")]), True),
        "absolute_member": (_zip(ordered + [("/tmp/escaped_abs.txt", b"owned")]), True),
        "nested_dotdot_member": (_zip(ordered + [("assets/../../escaped2.txt", b"owned")]), True),
        "duplicate_member": (_zip(ordered + [("config.json", b"{}")]), True),
        "config_not_json": (_zip([(n, b"{oops" if n == "config.json" else d) for n, d in ordered]), True),
        "config_is_a_list": (_zip([(n, b"[1, 2]" if n == "config.json" else d) for n, d in ordered]), True),
        "config_is_a_layer": (_zip([(n, json.dumps(config["config"]["layers"][1]).encode()
                                     if n == "config.json" else d) for n, d in ordered]), True),
        "unregistered_class": (_zip([(n, json.dumps(unregistered).encode() if n == "config.json" else d)
                                     for n, d in ordered]), True),
        "marshalled_lambda": (_zip([(n, json.dumps(_lambda_config(config)).encode() if n == "config.json" else d)
                                    for n, d in ordered]), True),
        "weights_garbage": (_zip([(n, b"\x89HDF garbage" if n == "model.weights.h5" else d) for n, d in ordered]), True),
        "weights_wrong_shape": (_zip([(n, _copy_h5(d, _wrong_shape) if n == "model.weights.h5" else d)
                                      for n, d in ordered]), True),
        "weights_empty_h5": (_zip([(n, _h5(lambda f: None) if n == "model.weights.h5" else d) for n, d in ordered]), True),
        "weights_group_for_dataset": (_zip([(n, _copy_h5(d, _group_not_dataset) if n == "model.weights.h5" else d)
                                            for n, d in ordered]), True),
    })
    return variants


def _weights_variants(valid: bytes) -> dict[str, tuple[bytes | None, bool]]:
    variants = {f"truncated_{n}": (valid[:n], True) for n in (1, 8, 512, len(valid) // 2, len(valid) - 1)}
    variants.update({f"flipped_{o}": (_flip(valid, o), False) for o in (0, 9, 100, 700, len(valid) // 2, -8)})
    variants.update({
        "empty": (b"", True),
        "directory": (None, True),
        "not_h5": (b"\x00\x01binary junk" * 50, True),
        "zip_instead": (_zip([("config.json", b"{}")]), True),
        "wrong_shape": (_copy_h5(valid, _wrong_shape), True),
        "group_for_dataset": (_copy_h5(valid, _group_not_dataset), True),
        "string_dataset": (_copy_h5(valid, _strings), True),
        "missing_layer": (_copy_h5(valid, lambda f: f.__delitem__("layers/dense_1")), True),
        "legacy_layout": (_h5(lambda f: f.create_group("model_weights")), True),
    })
    return variants


def _write(path, data: bytes | None) -> None:
    if data is None:
        os.makedirs(path)
    else:
        path.write_bytes(data)


def _check(load, path, must_fail: bool, name: str) -> None:
    try:
        load(path)
    except ModelFileError as error:
        assert str(path) in str(error), f"{name}: the message does not name the file: {error}"
    except Exception as error:  # noqa: BLE001 - the point is to catch anything unclean
        pytest.fail(f"{name}: raised {type(error).__name__} instead of ModelFileError: {error}")
    else:
        assert not must_fail, f"{name}: loading a damaged file succeeded"


def _listing(folder) -> set[str]:
    return {os.path.join(root, f) for root, dirs, files in os.walk(folder) for f in files + dirs}


def test_damaged_keras_files_fail_cleanly(tmp_path):
    model = _model()
    good = tmp_path / "good" / "m.keras"
    good.parent.mkdir()
    model.save(good)
    valid = good.read_bytes()
    with zipfile.ZipFile(good) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    cases = tmp_path / "cases"
    cases.mkdir()
    parent_before = set(os.listdir(tmp_path.parent))
    variants = _keras_variants(valid, members, tmp_path)
    assert len(variants) >= 30
    for name, (data, must_fail) in variants.items():
        path = cases / f"{name}.keras"
        _write(path, data)
        _check(strata.models.load_model, path, must_fail, name)
    assert set(os.listdir(tmp_path.parent)) == parent_before
    assert set(os.listdir(cases)) == {f"{name}.keras" for name in variants}
    assert not os.path.exists("/tmp/escaped_abs.txt")
    assert not (tmp_path / "escaped.txt").exists() and not (cases.parent.parent / "escaped.txt").exists()


def test_damaged_weights_files_fail_cleanly(tmp_path):
    model = _model()
    good = tmp_path / "good.weights.h5"
    model.save_weights(good)
    valid = good.read_bytes()
    before = model.get_weights()
    cases = tmp_path / "cases"
    cases.mkdir()
    variants = _weights_variants(valid)
    for name, (data, must_fail) in variants.items():
        path = cases / f"{name}.weights.h5"
        _write(path, data)
        target = _model()
        _check(target.load_weights, path, must_fail, name)
    # the keras-file variants also go through load_weights
    model.save(tmp_path / "m.keras")
    for offset in (10, len(valid) // 2):
        broken = tmp_path / f"cut_{offset}.keras"
        broken.write_bytes((tmp_path / "m.keras").read_bytes()[:offset])
        _check(model.load_weights, broken, True, broken.name)
    assert len(variants) >= 15
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    expected = {"good.weights.h5", "cases", "m.keras", "cut_10.keras", f"cut_{len(valid) // 2}.keras"}
    assert set(os.listdir(tmp_path)) == expected


def test_lambda_bytecode_loads_only_with_safe_mode_false(tmp_path):
    model = strata.Sequential([layers.Input((4,)), layers.Lambda(lambda x: x * 2.0)])
    model.save(tmp_path / "lam.keras")
    with pytest.raises(ModelFileError, match="safe_mode=False"):
        strata.models.load_model(tmp_path / "lam.keras")
    loaded = strata.models.load_model(tmp_path / "lam.keras", safe_mode=False)
    np.testing.assert_array_equal(loaded(X), X * 2.0)
