"""EarlyStopping: the §4.2 scenario table, restored weights, auto mode, unknown monitors, Keras parity."""

from __future__ import annotations

import re

import numpy as np
import pytest

import strata
from callback_helpers import injector, recorder
from strata.callbacks import EarlyStopping
from strata.callbacks.monitor import greater, less, resolve_monitor_op

X = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
Y = np.random.default_rng(1).normal(size=(10, 2)).astype("float32")

STOP = "Epoch {}: early stopping\n"
RESTORE = "Restoring model weights from the end of the best epoch: {}.\n"

# (EarlyStopping arguments, injected val_loss per epoch, epochs run, printed, best, best_epoch)
SCENARIOS = [
    (dict(patience=2), [1.0, 0.9, 0.95, 0.96, 0.97, 0.5], 4, STOP.format(4), 0.9, 1),
    (dict(patience=2, restore_best_weights=True), [1.0, 0.9, 0.95, 0.96, 0.97, 0.5], 4,
     STOP.format(4) + RESTORE.format(2), 0.9, 1),
    (dict(patience=5, restore_best_weights=True), [1.0, 0.9, 0.8, 0.85], 4, RESTORE.format(3), 0.8, 2),
    (dict(patience=0), [1.0, 1.1, 1.2], 2, STOP.format(2), 1.0, 0),
    (dict(patience=1, min_delta=0.1), [1.0, 0.95, 0.92, 0.5], 2, STOP.format(2), 1.0, 0),
    (dict(patience=2, baseline=0.5), [1.0, 0.9, 0.8, 0.7, 0.6], 5, "", 0.6, 4),
    (dict(patience=2, baseline=0.5), [1.0, 1.1, 1.2, 1.3], 2, STOP.format(2), 1.0, 0),
    (dict(patience=1, start_from_epoch=2), [1.0, 1.1, 1.2, 1.3, 1.4], 4, STOP.format(4), 1.2, 2),
    (dict(monitor="val_accuracy", patience=1), [0.5, 0.6, 0.55, 0.5], 3, STOP.format(3), 0.6, 1),
    # 0.9 + 0.09999999 is below 1.0 in float64 but not in float32 (Keras compares in float32).
    (dict(patience=1, min_delta=0.09999999, restore_best_weights=True), [1.0, 0.9, 0.7, 0.75], 2,
     STOP.format(2) + RESTORE.format(1), 1.0, 0),
]


def _model(lib=strata, metrics=("accuracy",)):
    model = lib.Sequential([lib.layers.Input((4,)), lib.layers.Dense(3), lib.layers.Dense(2)])
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=list(metrics))
    return model


def _run(lib, model, kwargs, values, capsys):
    key = kwargs.get("monitor", "val_loss")
    stop = lib.callbacks.EarlyStopping(verbose=1, **kwargs)
    record = recorder(lib)
    history = model.fit(X, Y, epochs=len(values), batch_size=5, shuffle=False, verbose=0,
                        callbacks=[injector(lib, values, key), record, stop])
    return stop, record, history, capsys.readouterr().out


@pytest.mark.parametrize("kwargs, values, run, printed, best, best_epoch", SCENARIOS)
def test_scenario_table(kwargs, values, run, printed, best, best_epoch, capsys):
    model = _model()
    stop, record, history, out = _run(strata, model, kwargs, values, capsys)
    assert len(history.epoch) == run
    assert out == printed
    assert stop.best == best and stop.best_epoch == best_epoch
    assert stop.stopped_epoch == (run - 1 if "early stopping" in printed else 0)
    final = model.get_weights()
    if kwargs.get("restore_best_weights"):
        expected = record.weights[best_epoch]
        assert not all(np.array_equal(a, b) for a, b in zip(record.weights[-1], expected))
    else:
        expected = record.weights[-1]
    for got, want in zip(final, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_baseline_never_beaten_keeps_counting_and_instance_is_reusable(capsys):
    model = _model()
    stop, _, _, _ = _run(strata, model, dict(patience=2, baseline=0.5), [1.0, 0.9, 0.8, 0.7, 0.6], capsys)
    assert stop.wait == 5 and stop.stopped_epoch == 0
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[injector(strata, [1.0, 1.1, 1.2], "val_loss"), stop])
    assert len(history.epoch) == 2 and stop.best == 1.0 and stop.stopped_epoch == 1


def test_restore_best_weights_sets_them_into_the_model():
    model = _model()
    values = [1.0, 0.5, 0.9, 0.95]
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    record = recorder(strata)
    model.fit(X, Y, epochs=4, batch_size=5, verbose=0, callbacks=[injector(strata, values, "val_loss"), record, stop])
    for got, want in zip(model.get_weights(), record.weights[1], strict=True):
        np.testing.assert_array_equal(got, want)
    # Predictions use the restored weights, not the last epoch's.
    kernel_1, bias_1, kernel_2, bias_2 = record.weights[1]
    expected = (X @ kernel_1 + bias_1) @ kernel_2 + bias_2
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_unknown_monitor_names_the_available_logs():
    model = _model(metrics=())
    message = ("EarlyStopping received monitor='val_los', which is not in the logs of this fit. Available: loss, "
               "val_loss. Pass one of these as `monitor=` (names with 'val_' need validation data).")
    for mode in ("auto", "min", "max"):  # the default mode must not hide the list behind a mode error
        with pytest.raises(ValueError, match=re.escape(message)):
            model.fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y),
                      callbacks=[EarlyStopping(monitor="val_los", mode=mode)])
    with pytest.raises(ValueError, match=re.escape("monitor='val_loss', which is not in the logs of this fit. "
                                                   "Available: loss. Pass one of these")):
        model.fit(X, Y, epochs=2, verbose=0, callbacks=[EarlyStopping()])


def test_epochs_without_validation_are_skipped():
    model = _model(metrics=())
    stop = EarlyStopping(patience=0)
    history = model.fit(X, Y, epochs=4, verbose=0, validation_data=(X, Y), validation_freq=2, callbacks=[stop])
    assert len(history.epoch) == 4  # val_loss keeps falling on epochs 2 and 4
    assert stop.best == pytest.approx(history.history["val_loss"][-1])


def test_auto_mode_resolution():
    model = strata.Sequential([strata.layers.Input((4,)), strata.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", "mae", "mse", strata.metrics.RootMeanSquaredError(name="RootMeanSquaredError"),
                           strata.metrics.AUC(name="AUC"), strata.metrics.Precision(), _custom_metric])
    model.fit(X, (Y[:, :1] > 0).astype("float32"), epochs=1, verbose=0)
    expected = {"val_loss": less, "loss": less, "val_mae": less, "val_mse": less, "val_RootMeanSquaredError": less,
                "val_AUC": greater, "val_precision": greater, "accuracy": greater, "val_accuracy": greater}
    for monitor, op in expected.items():
        assert resolve_monitor_op("EarlyStopping", monitor, "auto", model) is op, monitor
    assert resolve_monitor_op("EarlyStopping", "val_accuracy", "min", model) is less
    assert resolve_monitor_op("EarlyStopping", "val_loss", "max", model) is greater
    for unknown in ("val_custom_metric", "val_mystery"):
        with pytest.raises(ValueError, match=re.escape(
                f"EarlyStopping callback received monitor={unknown}, but Keras isn't able to automatically "
                "determine whether that metric should be maximized or minimized. Pass `mode='max'`")):
            resolve_monitor_op("EarlyStopping", unknown, "auto", model)
    with pytest.warns(UserWarning, match="EarlyStopping mode 'bigger' is unknown, fallback to auto mode."):
        assert EarlyStopping(mode="bigger").mode == "auto"


def _custom_metric(y_true, y_pred):
    return strata.ops.mean(y_pred, axis=-1)


def test_min_delta_sign_follows_the_mode():
    model = _model()
    stop_min = EarlyStopping(min_delta=-0.1)
    stop_max = EarlyStopping(monitor="val_accuracy", min_delta=0.1)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[injector(strata, [1.0], "val_loss"),
                                                    injector(strata, [0.5], "val_accuracy"), stop_min, stop_max])
    assert stop_min.min_delta == -0.1 and stop_max.min_delta == 0.1


@pytest.mark.keras
def test_parity_with_keras_on_injected_sequences(keras, capsys):
    ours, theirs = _model(), _model(keras)
    for kwargs, values, *_ in SCENARIOS:
        mine, _, history, out = _run(strata, ours, kwargs, values, capsys)
        ref, _, ref_history, ref_out = _run(keras, theirs, kwargs, values, capsys)
        assert len(history.epoch) == len(ref_history.epoch), kwargs
        assert out == ref_out, kwargs
        assert (mine.best, mine.best_epoch, mine.wait, mine.stopped_epoch) == (
            ref.best, ref.best_epoch, ref.wait, ref.stopped_epoch), kwargs


def _regression_data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x @ np.array([[2.0], [-1.0], [0.5]], "float32")).astype("float32")
    x_val = rng.normal(size=(16, 3)).astype("float32")
    y_val = (x_val @ np.array([[1.0], [-0.5], [0.25]], "float32")).astype("float32")  # half the slope: U-shaped
    return x, y, x_val, y_val


@pytest.mark.keras
def test_parity_with_keras_on_real_val_loss(keras, capsys):
    x, y, x_val, y_val = _regression_data()

    def build(lib):
        model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(4), lib.layers.Dense(1)])
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.02), loss="mse")
        return model

    theirs, ours = build(keras), build(strata)
    ours.set_weights(theirs.get_weights())
    results = []
    for lib, model in ((keras, theirs), (strata, ours)):
        stop = lib.callbacks.EarlyStopping(patience=2, restore_best_weights=True, min_delta=1e-4, verbose=1)
        history = model.fit(x, y, epochs=40, batch_size=8, shuffle=False, verbose=0, validation_data=(x_val, y_val),
                            callbacks=[stop])
        results.append((history, stop, capsys.readouterr().out))
    (ref_history, ref_stop, ref_out), (history, stop, out) = results
    assert len(ref_history.epoch) < 40  # it really stopped early
    assert history.epoch == ref_history.epoch
    assert (stop.best_epoch, stop.stopped_epoch) == (ref_stop.best_epoch, ref_stop.stopped_epoch)
    assert out == ref_out
    np.testing.assert_allclose(history.history["val_loss"], ref_history.history["val_loss"], rtol=1e-5, atol=1e-6)
    for got, want in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)
