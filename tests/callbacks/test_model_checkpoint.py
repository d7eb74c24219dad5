"""ModelCheckpoint: file names, save_best_only decisions, verbose lines, atomic writes (§4.3)."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import strata
from strata import layers
from strata.callbacks import Callback, ModelCheckpoint

X = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
Y = np.random.default_rng(1).normal(size=(10, 2)).astype("float32")


def _injector(lib, values, key="val_loss"):
    """A callback (of ``lib``) that writes ``values[epoch]`` into the epoch logs the next callbacks see."""

    class Inject(lib.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs[key] = values[epoch]

    return Inject()


def _model(lib=strata):
    model = lib.Sequential([lib.layers.Input((4,)), lib.layers.Dense(3), lib.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _fit(model, lib, callbacks, epochs, batch_size=10):
    model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0, callbacks=callbacks)


def _files(folder) -> list[str]:
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_filenames_are_formatted_with_epoch_and_logs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    values = [0.5316, 0.4, 0.45]
    _fit(_model(), strata, [_injector(strata, values),
                            ModelCheckpoint("ck/m_{epoch:02d}_{val_loss:.3f}.keras"),
                            ModelCheckpoint("w/w_{epoch}.weights.h5", save_weights_only=True)], epochs=3)
    assert _files("ck") == ["m_01_0.532.keras", "m_02_0.400.keras", "m_03_0.450.keras"]
    assert _files("w") == ["w_1.weights.h5", "w_2.weights.h5", "w_3.weights.h5"]
    assert strata.models.load_model("ck/m_02_0.400.keras").count_params() == 23


def test_save_best_only_decisions_and_verbose_lines(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    values = [0.5316, 0.6, 0.462, 0.462, 0.1]
    _fit(_model(), strata, [_injector(strata, values),
                            ModelCheckpoint("ck/m_{epoch:02d}.keras", save_best_only=True, verbose=1)], epochs=5)
    assert _files("ck") == ["m_01.keras", "m_03.keras", "m_05.keras"]
    assert capsys.readouterr().out == (
        "\nEpoch 1: val_loss improved from None to 0.53160, saving model to ck/m_01.keras\n"
        "\nEpoch 1: finished saving model to ck/m_01.keras\n"
        "\nEpoch 2: val_loss did not improve from 0.53160\n"
        "\nEpoch 3: val_loss improved from 0.53160 to 0.46200, saving model to ck/m_03.keras\n"
        "\nEpoch 3: finished saving model to ck/m_03.keras\n"
        "\nEpoch 4: val_loss did not improve from 0.46200\n"
        "\nEpoch 5: val_loss improved from 0.46200 to 0.10000, saving model to ck/m_05.keras\n"
        "\nEpoch 5: finished saving model to ck/m_05.keras\n"
    )


def test_plain_saving_lines_and_threshold_and_max_mode(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _fit(_model(), strata, [ModelCheckpoint("a.weights.h5", save_weights_only=True, verbose=1)], epochs=1)
    assert capsys.readouterr().out == ("\nEpoch 1: saving model to a.weights.h5\n"
                                       "\nEpoch 1: finished saving model to a.weights.h5\n")
    values = [0.7, 0.9, 0.8]
    _fit(_model(), strata, [_injector(strata, values, "val_acc"),
                            ModelCheckpoint("b_{epoch}.keras", monitor="val_acc", mode="max", save_best_only=True,
                                            initial_value_threshold=0.75)], epochs=3)
    assert [f for f in _files(".") if f.startswith("b_")] == ["b_2.keras"]


def test_missing_monitor_warns_and_saves(tmp_path):
    path = tmp_path / "m.keras"
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available."):
        _fit(_model(), strata, [ModelCheckpoint(path, save_best_only=True)], epochs=1)
    assert path.exists()


def test_auto_mode_uses_metric_direction_and_rejects_unknown(tmp_path):
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "accuracy"])
    ck_acc = ModelCheckpoint(tmp_path / "a.keras", monitor="val_accuracy", save_best_only=True)
    ck_mae = ModelCheckpoint(tmp_path / "b.keras", monitor="mae", save_best_only=True)
    _fit(model, strata, [_injector(strata, [0.5, 0.6], "val_accuracy"), ck_acc, ck_mae], epochs=2)
    assert ck_acc.best == 0.6 and ck_mae.monitor_op(1.0, 2.0)
    with pytest.raises(ValueError, match="callback received monitor=val_mystery, but Keras isn't able(?s:.*)"
                                         r"Note that 'val_mystery' is not in the logs of this fit \(available: "
                                         r"loss\); check its spelling."):
        _fit(_model(), strata, [ModelCheckpoint(tmp_path / "c.keras", monitor="val_mystery",
                                                save_best_only=True)], epochs=1)
    with pytest.warns(UserWarning, match="ModelCheckpoint mode 'bigger' is unknown, fallback to auto mode."):
        assert ModelCheckpoint(tmp_path / "d.keras", mode="bigger").mode == "auto"


def test_path_validation_messages(tmp_path):
    with pytest.raises(ValueError, match=re.escape(
            "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in "
            "`.weights.h5` (Keras weights format). Received: filepath=w.h5")):
        ModelCheckpoint("w.h5", save_weights_only=True)
    with pytest.raises(ValueError, match=re.escape(
            "The filepath provided must end in `.keras` (Keras model format). Received: filepath=m.ckpt")):
        ModelCheckpoint("m.ckpt")
    with pytest.raises(ValueError, match="Unrecognized save_freq: weekly"):
        ModelCheckpoint("m.keras", save_freq="weekly")
    ModelCheckpoint("legacy.h5")  # accepted, as in Keras
    with pytest.raises(KeyError, match='Failed to format this callback filepath: "m_{nope}.keras"'):
        _fit(_model(), strata, [ModelCheckpoint("m_{nope}.keras")], epochs=1)
    (tmp_path / "adir.keras").mkdir()
    with pytest.raises(OSError, match="Please specify a non-directory filepath for ModelCheckpoint"):
        _fit(_model(), strata, [ModelCheckpoint(tmp_path / "adir.keras")], epochs=1)


def test_batch_hook_only_for_integer_save_freq(tmp_path, monkeypatch):
    assert not ModelCheckpoint("m.keras")._needs_train_batches
    assert "on_train_batch_end" not in vars(ModelCheckpoint)
    assert ModelCheckpoint("m.keras", save_freq=2)._needs_train_batches
    monkeypatch.chdir(tmp_path)
    _fit(_model(), strata, [ModelCheckpoint("b_{epoch}_{batch}.weights.h5", save_weights_only=True, save_freq=2)],
         epochs=2, batch_size=2)
    assert _files(".") == sorted(["b_1_2.weights.h5", "b_1_4.weights.h5", "b_2_1.weights.h5",
                                  "b_2_3.weights.h5", "b_2_5.weights.h5"])


@pytest.mark.parametrize("name", ["ck.keras", "ck.weights.h5"])
def test_crash_during_a_checkpoint_write_keeps_the_previous_one(tmp_path, monkeypatch, name):
    from strata.saving import weights_h5

    model = _model()
    path = tmp_path / name
    weights_only = name.endswith(".weights.h5")
    _fit(model, strata, [ModelCheckpoint(path, save_weights_only=weights_only)], epochs=1)
    saved = model.get_weights()
    original, calls = weights_h5.write_variables, []

    def crash_after_first_group(group, variables):
        calls.append(group.name)
        if len(calls) > 1:
            raise RuntimeError("disk pulled out mid-write")
        original(group, variables)

    monkeypatch.setattr(weights_h5, "write_variables", crash_after_first_group)
    with pytest.raises(RuntimeError, match="disk pulled out mid-write"):
        _fit(model, strata, [ModelCheckpoint(path, save_weights_only=weights_only)], epochs=1)
    monkeypatch.setattr(weights_h5, "write_variables", original)
    assert len(calls) == 2 and os.listdir(tmp_path) == [name]  # no temporary file left behind
    restored = _model()
    if weights_only:
        restored.load_weights(path)
    else:
        restored = strata.models.load_model(path)
    for a, b in zip(restored.get_weights(), saved):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in zip(model.get_weights(), saved))


@pytest.mark.keras
def test_saved_files_and_messages_match_keras(keras, tmp_path, monkeypatch, capsys):
    values = [0.9, 0.7, 0.8, 0.7, 0.3, 0.31]
    outputs = {}
    for lib in (strata, keras):
        folder = tmp_path / lib.__name__
        folder.mkdir()
        monkeypatch.chdir(folder)
        callbacks = [_injector(lib, values),
                     lib.callbacks.ModelCheckpoint("best/m_{epoch:02d}_{val_loss:.3f}.keras", save_best_only=True,
                                                   verbose=1),
                     lib.callbacks.ModelCheckpoint("all/w_{epoch}.weights.h5", save_weights_only=True),
                     lib.callbacks.ModelCheckpoint("batch/b_{epoch}_{batch}.weights.h5", save_weights_only=True,
                                                   save_freq=3)]
        _fit(_model(lib), lib, callbacks, epochs=len(values), batch_size=4)
        outputs[lib.__name__] = (capsys.readouterr().out,
                                 {sub: _files(sub) for sub in ("best", "all", "batch")})
    assert outputs["strata"] == outputs["keras"]
    assert outputs["strata"][1]["best"] == ["m_01_0.900.keras", "m_02_0.700.keras", "m_05_0.300.keras"]
