"""Damaged legacy ``.h5`` files and subclassed models give a clean ``ModelFileError`` naming the file.

Each variant is derived from a valid file that strata wrote for a small compiled, trained model:
truncations, flipped bytes, edited attributes (``model_config``, ``layer_names``,
``weight_names``, ``training_config``), deleted or replaced groups and datasets.  A flipped byte may
land in data no checksum covers (a weight value), so those variants may also load; they must never
raise anything but ``ModelFileError``.  The variants that must fail also pin what the message says.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile

import h5py
import numpy as np
import pytest

import strata
from strata import layers
from strata.saving import ModelFileError

X = np.random.default_rng(5).normal(size=(8, 4)).astype("float32")
LEGACY = r"considered legacy"


def _model():
    """A compiled, trained MLP; its layers are always named "dense" and "dense_1" (for ``by_name``)."""
    model = strata.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu", name="dense"),
                               layers.Dense(2, name="dense_1")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((8, 2), "float32"), epochs=1, verbose=0)
    return model


def _save_h5(model, path) -> bytes:
    with pytest.warns(UserWarning, match=LEGACY):
        model.save(path)
    return path.read_bytes()


def _flip(data: bytes, offset: int) -> bytes:
    offset = offset % len(data)
    return data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1:]


def _replace(f, name, value):
    del f[name]
    f[name] = value


def _config_of_first_layer(f):
    config = json.loads(f.attrs["model_config"])
    f.attrs["model_config"] = json.dumps(config["config"]["layers"][1]).encode()


def _unknown_class(f):
    config = json.loads(f.attrs["model_config"])
    config["config"]["layers"].append({"class_name": "Sneaky", "config": {"name": "sneaky"}})
    f.attrs["model_config"] = json.dumps(config).encode()


def _extra_group(f, listed: bool):
    group = f.create_group("model_weights/ghost")
    group.attrs["weight_names"] = [b"ghost/kernel"]
    group["ghost/kernel"] = np.zeros((2, 2), "float32")
    if listed:
        f["model_weights"].attrs["layer_names"] = [b"dense", b"ghost", b"dense_1"]


KERNEL = "model_weights/dense/sequential/dense/kernel"
BIAS = "model_weights/dense/sequential/dense/bias"
# name -> (edit of the open file, whether loading must fail, pattern the message must contain)
EDITS = {
    "missing_model_config": (lambda f: f.attrs.__delitem__("model_config"), True, "no model config found"),
    "model_config_bad_json": (lambda f: f.attrs.__setitem__("model_config", b"{oops"), True,
                              r"`model_config` attribute is not a valid model config.*not valid JSON"),
    "model_config_list": (lambda f: f.attrs.__setitem__("model_config", b"[1, 2]"), True,
                          r"not a valid model config.*'class_name' and 'config'"),
    "model_config_of_a_layer": (_config_of_first_layer, True, r"cannot be turned into a model.*layer, not a model"),
    "unknown_class": (_unknown_class, True, r"cannot be turned into a model.*Sneaky"),
    "missing_model_weights": (lambda f: f.__delitem__("model_weights"), True, r"no `model_weights` group"),
    "deleted_layer_group": (lambda f: f.__delitem__("model_weights/dense_1"), True,
                            r"layer 'dense_1' is listed in `layer_names` but has no group"),
    "layer_group_is_dataset": (lambda f: _replace(f, "model_weights/dense_1", np.zeros(3)), True,
                               r"'/model_weights/dense_1' should be a group of weights but is a Dataset"),
    "deleted_weight_dataset": (lambda f: f.__delitem__(KERNEL), True,
                               r"weight 'sequential/dense/kernel' listed in `weight_names` .* is missing"),
    "weight_is_a_group": (lambda f: (f.__delitem__(BIAS), f.create_group(BIAS)), True, r"is a Group, not a dataset"),
    "wrong_weight_shape": (lambda f: _replace(f, KERNEL, np.zeros((5, 3), "float32")), True,
                           r"Shape mismatch in layer #0 .* expects shape \(4, 3\).* shape \(5, 3\)"),
    "string_weight": (lambda f: _replace(f, BIAS, np.array([b"1", b"2", b"3"])), True,
                      r"holds non-numeric data of dtype \|S1"),
    "extra_group_not_listed": (lambda f: _extra_group(f, listed=False), False, None),
    "extra_layer_listed": (lambda f: _extra_group(f, listed=True), True, r"Layer count mismatch .* the file has 3"),
    "missing_layer_names": (lambda f: f["model_weights"].attrs.__delitem__("layer_names"), True,
                            r"'/model_weights' has no `layer_names` attribute"),
    "missing_weight_names": (lambda f: f["model_weights/dense"].attrs.__delitem__("weight_names"), True,
                             r"'/model_weights/dense' holds data but no `weight_names` attribute"),
    "wrong_weight_names": (lambda f: f["model_weights/dense"].attrs.__setitem__("weight_names", [b"a/k", b"a/b"]),
                           True, r"weight 'a/k' listed in `weight_names` of '/model_weights/dense' is missing"),
    "numeric_weight_names": (lambda f: f["model_weights/dense"].attrs.__setitem__("weight_names", [1, 2]), True,
                             r"weight '1' listed in `weight_names`"),
    "training_config_bad_json": (lambda f: f.attrs.__setitem__("training_config", b"{oops"), True,
                                 r"`training_config` attribute cannot compile the model \(pass `compile=False`"),
    "deleted_optimizer_slot": (lambda f: f.__delitem__("optimizer_weights/adam/iteration"), True,
                               r"`optimizer_weights` group is damaged.*'adam/iteration'.* is missing"),
}


def _edited(valid: bytes, edit, path) -> bytes:
    path.write_bytes(valid)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path.read_bytes()


def _lambda_file(tmp_path) -> bytes:
    model = strata.Sequential([layers.Input((4,)), layers.Lambda(lambda x: x * 2.0), layers.Dense(2)])
    return _save_h5(model, tmp_path / "lambda.h5")


def _variants(valid: bytes, tmp_path) -> dict[str, tuple[bytes | None, bool, str | None]]:
    """name -> (file bytes, or None for a directory; whether loading must fail; message pattern)."""
    scratch = tmp_path / "scratch.h5"
    variants = {f"truncated_{n}": (valid[:n], True, None)
                for n in (1, 8, 512, len(valid) // 2, len(valid) - 1)}
    variants.update({f"flipped_{o}": (_flip(valid, o), False, None)
                     for o in (0, 9, 100, 700, len(valid) // 3, len(valid) // 2, -8)})
    variants.update({name: (_edited(valid, edit, scratch), must_fail, pattern)
                     for name, (edit, must_fail, pattern) in EDITS.items()})
    keras_zip = io.BytesIO()
    with zipfile.ZipFile(keras_zip, "w") as archive:
        archive.writestr("config.json", b"{}")
    variants.update({
        "empty": (b"", True, r"the file is empty \(0 bytes\)"),
        "text": (b"this is not a model\n" * 20, True, "not a valid HDF5 file"),
        "keras_zip": (keras_zip.getvalue(), True, r"not a valid HDF5 file.*looks like a `\.keras` zip archive"),
        "directory": (None, True, "it is a directory"),
        "marshalled_lambda": (_lambda_file(tmp_path), True, r"Python lambda.*`safe_mode=False`"),
    })
    scratch.unlink()
    (tmp_path / "lambda.h5").unlink()
    return variants


def _check(load, path, must_fail: bool, pattern: str | None, name: str) -> None:
    try:
        load(path)
    except ModelFileError as error:
        assert str(path) in str(error), f"{name}: the message does not name the file: {error}"
        if pattern is not None:
            assert re.search(pattern, str(error)), f"{name}: the message does not say {pattern!r}: {error}"
    except Exception as error:  # noqa: BLE001 - the point is to catch anything unclean
        pytest.fail(f"{name}: raised {type(error).__name__} instead of ModelFileError: {error}")
    else:
        assert not must_fail, f"{name}: loading a damaged file succeeded"


def test_damaged_legacy_h5_files_fail_cleanly(tmp_path):
    valid = _save_h5(_model(), tmp_path / "good.h5")
    cases = tmp_path / "cases"
    cases.mkdir()
    parent_before = set(os.listdir(tmp_path.parent))
    variants = _variants(valid, tmp_path)
    assert len(variants) >= 30
    for name, (data, must_fail, pattern) in variants.items():
        path = cases / f"{name}.h5"
        if data is None:
            path.mkdir()
        else:
            path.write_bytes(data)
        _check(strata.models.load_model, path, must_fail, pattern, name)
    assert set(os.listdir(tmp_path.parent)) == parent_before
    assert set(os.listdir(tmp_path)) == {"good.h5", "cases"}
    assert set(os.listdir(cases)) == {f"{name}.h5" for name in variants}


def test_damaged_weights_leave_the_model_unchanged_on_load_weights(tmp_path):
    model = _model()
    valid = _save_h5(model, tmp_path / "good.h5")
    target = _model()
    before = target.get_weights()
    scratch = tmp_path / "scratch.h5"
    for name in ("deleted_layer_group", "deleted_weight_dataset", "wrong_weight_shape", "string_weight",
                 "wrong_weight_names", "extra_layer_listed"):
        edit, _, pattern = EDITS[name]
        path = tmp_path / f"{name}.h5"
        path.write_bytes(_edited(valid, edit, scratch))
        for by_name in (False, True):
            if by_name and name == "extra_layer_listed":
                continue  # by name, an unknown layer in the file is simply not loaded
            with pytest.raises(ModelFileError, match=re.escape(str(path))) as info:
                target.load_weights(path, by_name=by_name) if by_name else target.load_weights(path)
            assert re.search(pattern, str(info.value)), (name, by_name, str(info.value))
            for a, b in zip(target.get_weights(), before):  # nothing assigned before the failure
                np.testing.assert_array_equal(a, b)
    target.load_weights(tmp_path / "good.h5")
    for a, b in zip(target.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_legacy_lambda_loads_only_with_safe_mode_false(tmp_path):
    model = strata.Sequential([layers.Input((4,)), layers.Lambda(lambda x: x * 2.0)])
    _save_h5(model, tmp_path / "lam.h5")
    with pytest.raises(ModelFileError, match=r"lam\.h5.*`safe_mode=False`"):
        strata.models.load_model(tmp_path / "lam.h5")
    loaded = strata.models.load_model(tmp_path / "lam.h5", safe_mode=False)
    np.testing.assert_array_equal(loaded(X), X * 2.0)


# -- subclassed models ---------------------------------------------------------------------------------
class _Tower(strata.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(3)

    def call(self, x):
        return self.hidden(x)


SUBCLASSED = (r"the model is a subclassed model \(class '{cls}'\)\. Legacy \.h5 files store a model as a "
              r"graph of layers")


@pytest.mark.parametrize("name", ["tower.h5", "tower.hdf5"])
def test_saving_a_subclassed_model_to_h5_is_refused(tmp_path, name):
    model = _Tower(name="tower")
    model(X)
    path = tmp_path / name
    with pytest.raises(ValueError, match=SUBCLASSED.format(cls="_Tower")) as info:
        model.save(path)
    message = str(info.value)
    assert message.startswith(f"Cannot save to the legacy HDF5 file '{path}'")
    assert f"`model.save('{tmp_path / 'tower.keras'}')`" in message
    assert os.listdir(tmp_path) == []  # nothing written, not even a temporary file
    model.save(tmp_path / "tower.keras")  # the suggested fix works
    assert os.listdir(tmp_path) == ["tower.keras"]


@pytest.mark.keras
def test_loading_a_subclassed_h5_written_by_keras_is_refused(keras, tmp_path):
    from saving_cases import tower, tower_class

    tower(keras).save(tmp_path / "k.h5")  # Keras writes it, but cannot load it back either
    with pytest.raises(ValueError, match="Layer count mismatch"):
        keras.models.load_model(tmp_path / "k.h5", custom_objects={"Tower": tower_class(keras)})
    with pytest.raises(ModelFileError, match=rf"Cannot load '{re.escape(str(tmp_path / 'k.h5'))}': "
                                             + SUBCLASSED.format(cls="Tower")) as info:
        strata.models.load_model(tmp_path / "k.h5", custom_objects={"Tower": tower_class(strata)})
    assert f"`model.save('{tmp_path / 'k.keras'}')`" in str(info.value)
