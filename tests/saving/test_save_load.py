"""Saving and loading in strata: training resumes, compile=False, custom objects, error messages."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import strata
from strata import layers
from strata.saving import ModelFileError

X = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
Y = np.random.default_rng(1).normal(size=(10, 2)).astype("float32")


def _mlp(units: int = 3):
    model = strata.Sequential([layers.Input((4,)), layers.Dense(units, activation="relu"), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def _fit(model, epochs, initial_epoch=0):
    model.fit(X, Y, batch_size=4, epochs=epochs, initial_epoch=initial_epoch, shuffle=False, verbose=0)


@pytest.mark.parametrize("via", ["keras", "weights"])
def test_training_resumes_where_it_stopped(tmp_path, via):
    reference = _mlp()
    start = reference.get_weights()
    _fit(reference, 4)

    first = _mlp()
    first.set_weights(start)
    _fit(first, 2)
    if via == "keras":
        first.save(tmp_path / "half.keras")
        resumed = strata.models.load_model(tmp_path / "half.keras")
    else:
        first.save_weights(tmp_path / "half.weights.h5")
        resumed = _mlp()
        resumed.load_weights(tmp_path / "half.weights.h5")
    assert int(resumed.optimizer.iterations.value) == 6
    _fit(resumed, 4, initial_epoch=2)
    assert int(resumed.optimizer.iterations.value) == int(reference.optimizer.iterations.value) == 12
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6, rtol=0)
    for a, b in zip(resumed.optimizer.variables, reference.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value), atol=1e-6, rtol=0)


def test_save_right_after_fit_writes_the_trained_weights(tmp_path):
    model = _mlp()
    _fit(model, 2)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    loaded = strata.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded(X), model(X))
    fresh = _mlp()
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(fresh(X), model(X))


def test_compile_false_gives_an_uncompiled_model_with_the_weights(tmp_path):
    model = _mlp()
    _fit(model, 1)
    model.save(tmp_path / "m.keras")
    loaded = strata.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    np.testing.assert_array_equal(loaded(X), model(X))
    compiled = strata.models.load_model(tmp_path / "m.keras")
    assert compiled.compiled and compiled.optimizer.get_config() == model.optimizer.get_config()
    history = compiled.fit(X, Y, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]


class Scale(layers.Layer):
    """An unregistered custom layer (multiplies by a constant)."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def _custom_model():
    return strata.Sequential([layers.Input((4,)), layers.Dense(2), Scale(3.0)])


def test_unregistered_class_is_refused_with_both_fixes(tmp_path):
    _custom_model().save(tmp_path / "c.keras")
    with pytest.raises(ModelFileError, match=re.escape(str(tmp_path / "c.keras"))) as info:
        strata.models.load_model(tmp_path / "c.keras")
    message = str(info.value)
    assert "Unknown layer class 'Scale'" in message
    assert "register_keras_serializable" in message and "custom_objects={'Scale': Scale}" in message


def test_custom_objects_and_custom_object_scope_resolve_the_class(tmp_path):
    model = _custom_model()
    model.save(tmp_path / "c.keras")
    loaded = strata.models.load_model(tmp_path / "c.keras", custom_objects={"Scale": Scale})
    assert isinstance(loaded.layers[-1], Scale) and loaded.layers[-1].factor == 3.0
    np.testing.assert_array_equal(loaded(X), model(X))
    with strata.saving.custom_object_scope({"Scale": Scale}):
        assert isinstance(strata.models.load_model(tmp_path / "c.keras").layers[-1], Scale)


def test_registered_class_needs_no_custom_objects(tmp_path):
    @strata.saving.register_keras_serializable(package="SaveLoadTest")
    class Shift(layers.Layer):
        def call(self, x):
            return x + 1.0

    assert strata.saving.get_registered_name(Shift) == "SaveLoadTest>Shift"
    assert strata.saving.get_registered_object("SaveLoadTest>Shift") is Shift
    model = strata.Sequential([layers.Input((4,)), Shift()])
    model.save(tmp_path / "r.keras")
    config = strata.saving.serialize_keras_object(model)["config"]["layers"][1]
    assert config["registered_name"] == "SaveLoadTest>Shift"
    assert isinstance(strata.models.load_model(tmp_path / "r.keras").layers[0], Shift)


def test_register_requires_get_config():
    with pytest.raises(ValueError, match="does not have a get_config"):
        strata.saving.register_keras_serializable()(type("NoConfig", (), {}))


def test_wrong_suffixes_give_keras_messages(tmp_path):
    model = _mlp()
    with pytest.raises(ValueError, match=re.escape(f"The filename must end in `.weights.h5`. Received: filepath={tmp_path}/w.h5")):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="Invalid filepath extension for saving"):
        model.save(tmp_path / "m.txt")
    with pytest.raises(ValueError, match=re.escape(f"File format not supported: filepath={tmp_path}/m.txt")):
        strata.models.load_model(tmp_path / "m.txt")
    with pytest.raises(ValueError, match=re.escape(f"File format not supported: filepath={tmp_path}/m.txt")):
        model.load_weights(tmp_path / "m.txt")
    with pytest.raises(ValueError, match="holds only weights, not a model"):
        strata.models.load_model(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="argument\\(s\\) are not supported: \\['bogus'\\]"):
        model.save(tmp_path / "m.keras", bogus=1)
    assert os.listdir(tmp_path) == []


def test_shape_mismatch_names_layer_file_and_both_shapes(tmp_path):
    _mlp(units=3).save_weights(tmp_path / "w.weights.h5")
    target = _mlp(units=5)
    before = target.get_weights()
    expected = (f"Shape mismatch in layer 'dense_2' for variable 'kernel' (dataset '/layers/dense/vars/0' of "
                f"'{tmp_path}/w.weights.h5'): the model expects shape (4, 5) but the file holds shape (4, 3)")
    with pytest.raises(ModelFileError, match=re.escape(expected)):
        target.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(target.get_weights(), before):  # nothing was half-loaded
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_loads_the_layers_that_fit(tmp_path):
    source = _mlp(units=3)
    source.save_weights(tmp_path / "w.weights.h5")
    target = strata.Sequential([layers.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(2)])
    with pytest.warns(UserWarning, match="Skipped loading weights for 2 object"):
        target.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    # dense_1's kernel (3, 2) does not fit (5, 2) either, so only nothing-shaped layers load here;
    # a model whose last layer fits shows that layers that fit are loaded.
    other = strata.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(7)])
    with pytest.warns(UserWarning, match=r"\['dense_5'\]"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], source.layers[0].get_weights()[0])


def test_unbuilt_model_cannot_save_or_load_weights(tmp_path):
    model = strata.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="You are saving a model that has not yet been built"):
        model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="You are loading weights into a model that has not yet been built"):
        model.load_weights(tmp_path / "w.weights.h5")


def test_overwrite_false_asks_first(tmp_path, monkeypatch, capsys):
    model = _mlp()
    path = tmp_path / "m.keras"
    path.write_bytes(b"old")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == b"old"
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    model.save(path, overwrite=False)
    assert "[TIP] Next time specify overwrite=True!" in capsys.readouterr().out
    assert strata.models.load_model(path).count_params() == model.count_params()


def test_unzipped_directory_round_trip(tmp_path):
    model = _mlp()
    model.save(tmp_path / "m_dir", zipped=False)
    assert sorted(os.listdir(tmp_path / "m_dir")) == ["config.json", "metadata.json", "model.weights.h5"]
    loaded = strata.models.load_model(tmp_path / "m_dir")
    np.testing.assert_array_equal(loaded(X), model(X))
    model.save(tmp_path / "m_dir", zipped=False)  # replaces the directory
    assert sorted(os.listdir(tmp_path)) == ["m_dir"]


def test_legacy_suffixes_dispatch_to_legacy_h5(tmp_path, monkeypatch):
    from strata.saving import legacy_h5

    calls = []
    monkeypatch.setattr(legacy_h5, "save_legacy_h5", lambda model, path, **kw: calls.append(("save", path, kw)))
    monkeypatch.setattr(legacy_h5, "load_legacy_h5", lambda path, **kw: calls.append(("load", path, kw)))
    monkeypatch.setattr(legacy_h5, "load_weights_legacy_h5",
                        lambda model, path, **kw: calls.append(("weights", path, kw)))
    model = _mlp()
    model.save(str(tmp_path / "m.h5"), include_optimizer=False)
    strata.models.load_model(str(tmp_path / "m.hdf5"), compile=False)
    model.load_weights(str(tmp_path / "m.h5"), by_name=True)
    assert calls == [("save", str(tmp_path / "m.h5"), {"include_optimizer": False}),
                     ("load", str(tmp_path / "m.hdf5"), {"custom_objects": None, "compile": False, "safe_mode": True}),
                     ("weights", str(tmp_path / "m.h5"), {"by_name": True, "skip_mismatch": False})]
