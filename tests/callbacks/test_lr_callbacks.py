"""LearningRateScheduler and ReduceLROnPlateau: rate sequences, verbose lines, effect on training, Keras parity."""

from __future__ import annotations

import re

import numpy as np
import pytest

import strata
from callback_helpers import injector, recorder
from strata.callbacks import LearningRateScheduler, ReduceLROnPlateau

X = np.random.default_rng(0).normal(size=(12, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")

PLATEAU = [1.0, 0.9, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85]


def _model(lib=strata, learning_rate=0.1):
    model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(2), lib.layers.Dense(1)])
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


def _fit(model, callbacks, epochs):
    return model.fit(X, Y, epochs=epochs, batch_size=4, shuffle=False, verbose=0, callbacks=callbacks)


def _halving(epoch, lr):
    return lr if epoch == 0 else lr * 0.5


# -- LearningRateScheduler ---------------------------------------------------------------------------


def test_scheduler_sets_rate_each_epoch_and_logs_it(capsys):
    history = _fit(_model(), [LearningRateScheduler(_halving, verbose=1)], epochs=3)
    # The schedule sees the stored float32 rate widened to a Python float.
    rates = [float(np.float32(0.1))]
    rates += [rates[0] * 0.5, float(np.float32(rates[0] * 0.5)) * 0.5]
    assert history.history["learning_rate"] == [float(np.float32(r)) for r in rates]
    assert capsys.readouterr().out == "".join(
        f"\nEpoch {i + 1}: LearningRateScheduler setting learning rate to {r}.\n" for i, r in enumerate(rates))


def test_scheduler_accepts_one_argument_and_numpy_floats():
    model = _model()
    _fit(model, [LearningRateScheduler(lambda epoch: np.float32(0.25))], epochs=1)
    assert float(model.optimizer.learning_rate.numpy()) == 0.25
    _fit(model, [LearningRateScheduler(lambda epoch, lr: lr * 2.0)], epochs=1)
    assert float(model.optimizer.learning_rate.numpy()) == 0.5


def test_scheduler_rejects_non_float():
    with pytest.raises(ValueError, match=re.escape(
            "The output of the `schedule` function should be a float. Got: 1 (of type int) at epoch 0. "
            "Return a float learning rate")):
        _fit(_model(), [LearningRateScheduler(lambda epoch: 1)], epochs=1)
    with pytest.raises(TypeError, match="Argument `schedule` of LearningRateScheduler must be a function"):
        LearningRateScheduler(0.1)


def test_schedule_errors_are_not_hidden():
    def broken(epoch, lr):
        raise TypeError("bug inside the schedule")

    with pytest.raises(TypeError, match="bug inside the schedule"):
        _fit(_model(), [LearningRateScheduler(broken)], epochs=1)


def test_zero_rate_freezes_the_weights():
    model = _model()
    initial = model.get_weights()
    record = recorder(strata)
    _fit(model, [LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else 0.0), record], epochs=3)
    assert not np.array_equal(record.weights[0][0], initial[0])  # epoch 0 trained
    for epoch_weights in record.weights[1:] + [model.get_weights()]:
        for got, want in zip(epoch_weights, record.weights[0], strict=True):
            np.testing.assert_array_equal(got, want)


@pytest.mark.keras
def test_scheduler_parity_with_keras(keras, capsys):
    theirs, ours = _model(keras), _model()
    ours.set_weights(theirs.get_weights())
    results = []
    for lib, model in ((keras, theirs), (strata, ours)):
        history = _fit(model, [lib.callbacks.LearningRateScheduler(_halving, verbose=1)], epochs=4)
        results.append((history.history, capsys.readouterr().out))
    (ref, ref_out), (got, out) = results
    assert got["learning_rate"] == ref["learning_rate"]
    assert out == ref_out
    np.testing.assert_allclose(got["loss"], ref["loss"], rtol=1e-5)
    for mine, want in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(mine, want, atol=1e-5)


# -- ReduceLROnPlateau -------------------------------------------------------------------------------


def test_plateau_reductions_cooldown_and_lines(capsys):
    reduce = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, verbose=1)
    history = _fit(_model(), [injector(strata, PLATEAU), reduce], epochs=10)
    r1 = float(np.float32(0.1)) * 0.5
    r2 = float(np.float32(r1)) * 0.5
    r3 = float(np.float32(r2)) * 0.5
    # Epoch 5 is in cooldown (not counted); epoch 6 improves; epoch 9 is in cooldown again.
    assert capsys.readouterr().out == (f"\nEpoch 4: ReduceLROnPlateau reducing learning rate to {r1}.\n"
                                       f"\nEpoch 8: ReduceLROnPlateau reducing learning rate to {r2}.\n"
                                       f"\nEpoch 10: ReduceLROnPlateau reducing learning rate to {r3}.\n")
    # learning_rate is logged before the reduction of that epoch takes effect.
    assert history.history["learning_rate"] == [float(np.float32(r)) for r in [0.1] * 4 + [r1] * 4 + [r2] * 2]
    assert reduce.best == 0.85 and reduce.wait == 0 and reduce.cooldown_counter == 1


def test_plateau_respects_min_lr_and_rejects_factor():
    model = _model()
    _fit(model, [injector(strata, [1.0] * 6), ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.005)], epochs=6)
    assert float(model.optimizer.learning_rate.numpy()) == np.float32(0.005)
    with pytest.raises(ValueError, match=re.escape(
            "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=1.5")):
        ReduceLROnPlateau(factor=1.5)


def test_plateau_unknown_monitor():
    message = ("ReduceLROnPlateau received monitor='val_loss', which is not in the logs of this fit. "
               "Available: loss, learning_rate. Pass one of these as `monitor=`")
    with pytest.raises(ValueError, match=re.escape(message)):
        _fit(_model(), [ReduceLROnPlateau()], epochs=1)
    misspelt = "ReduceLROnPlateau received monitor='los', which is not in the logs of this fit. Available: loss,"
    with pytest.raises(ValueError, match=re.escape(misspelt)):
        _fit(_model(), [ReduceLROnPlateau(monitor="los")], epochs=1)


@pytest.mark.keras
def test_plateau_parity_with_keras(keras, capsys):
    theirs, ours = _model(keras), _model()
    ours.set_weights(theirs.get_weights())
    results = []
    for lib, model in ((keras, theirs), (strata, ours)):
        reduce = lib.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.02, verbose=1)
        history = _fit(model, [injector(lib, PLATEAU), reduce], epochs=10)
        results.append((history.history, capsys.readouterr().out, (reduce.best, reduce.wait, reduce.cooldown_counter)))
    (ref, ref_out, ref_state), (got, out, state) = results
    assert "reducing learning rate" in ref_out
    assert out == ref_out
    assert got["learning_rate"] == ref["learning_rate"]
    assert state == ref_state
    np.testing.assert_allclose(got["loss"], ref["loss"], rtol=1e-5)
    for mine, want in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(mine, want, atol=1e-5)
