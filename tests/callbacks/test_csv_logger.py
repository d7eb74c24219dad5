"""CSVLogger writes the very file Keras's CSVLogger writes."""

import csv

import numpy as np
import pytest

from strata.callbacks import Callback, CSVLogger
from strata.layers import Dense, Input
from strata.models import Sequential
from strata.training import fit_loop

X = np.random.RandomState(0).rand(40, 3).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")

# Logs as callbacks see them, plus the awkward cases: a string, a 1-D array, a 0-d array,
# a key missing in a later epoch and a key that appears only later.
FORCED = [
    {"loss": 0.3499999940395355, "mae": 0.5, "note": "a,b", "vec": np.array([1.5, 2.0])},
    {"loss": 0.25, "mae": np.array(0.125), "vec": [3, 4]},
    {"loss": 0.125, "mae": 0.0625, "note": "x", "vec": (5,), "extra": 1.0},
]


def _drive(logger, epochs_logs):
    logger.on_train_begin()
    for epoch, logs in enumerate(epochs_logs):
        logger.on_epoch_end(epoch, dict(logs))
    logger.on_train_end()


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def _read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.keras
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_forced_logs_give_byte_identical_file_to_keras(keras, tmp_path, separator):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "keras.csv"
    _drive(CSVLogger(ours, separator=separator), FORCED)
    _drive(keras.callbacks.CSVLogger(str(theirs), separator=separator), FORCED)
    assert _read_bytes(ours) == _read_bytes(theirs)
    header = _read_bytes(ours).decode().splitlines()[0]
    # No val_ key in the first epoch: Keras adds val_ columns for every key.
    assert header == separator.join(["epoch", "loss", "mae", "note", "vec",
                                     "val_loss", "val_mae", "val_note", "val_vec"])


@pytest.mark.keras
def test_append_mode_matches_keras_and_writes_one_header(keras, tmp_path):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "keras.csv"
    first = [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}]
    second = [{"loss": 0.25}]  # val_loss missing -> NA
    for path, make in ((ours, CSVLogger), (theirs, keras.callbacks.CSVLogger)):
        _drive(make(str(path), append=True), first)
        _drive(make(str(path), append=True), second)
    assert _read_bytes(ours) == _read_bytes(theirs)
    rows = _rows(ours)
    assert rows == [["epoch", "loss", "val_loss"], ["0", "1.0", "2.0"], ["1", "0.5", "1.5"], ["0", "0.25", "NA"]]


def test_without_append_the_file_is_overwritten(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old,content\n1,2\n")
    _drive(CSVLogger(path), [{"loss": 1.0, "val_loss": 2.0}])
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,2.0"]


def test_separator_must_be_one_character(tmp_path):
    with pytest.raises(ValueError, match="single character.*Received: separator=''"):
        CSVLogger(tmp_path / "log.csv", separator="")


def _strata_model(weights=None):
    model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    if weights is not None:
        model.set_weights(weights)
    return model


@pytest.mark.keras
def test_fit_writes_keras_header_and_values(keras, tmp_path):
    k_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    k_model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model = _strata_model(k_model.get_weights())
    fit_args = dict(batch_size=8, epochs=3, shuffle=False, validation_data=(X[:10], Y[:10]), verbose=0)
    model.fit(X, Y, callbacks=[CSVLogger(tmp_path / "ours.csv")], **fit_args)
    k_model.fit(X, Y, callbacks=[keras.callbacks.CSVLogger(str(tmp_path / "keras.csv"))], **fit_args)
    ours = _rows(tmp_path / "ours.csv")
    theirs = _rows(tmp_path / "keras.csv")
    assert ours[0] == theirs[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [row[0] for row in ours] == [row[0] for row in theirs]
    np.testing.assert_allclose(np.array(ours[1:], float), np.array(theirs[1:], float), rtol=1e-5, atol=1e-6)


class _EpochObserver(Callback):
    """Not replayable: forces fit to dispatch epoch by epoch."""

    def on_epoch_end(self, epoch, logs=None):
        pass


def test_output_is_the_same_when_replayed_after_a_fused_dispatch(tmp_path, monkeypatch):
    fused_calls = []
    original = fit_loop.FitRun._run_epochs_fused

    def spy(self):
        fused_calls.append(1)
        return original(self)

    monkeypatch.setattr(fit_loop.FitRun, "_run_epochs_fused", spy)
    weights = _strata_model().get_weights()
    fit_args = dict(batch_size=8, epochs=4, shuffle=False, validation_data=(X[:10], Y[:10]), verbose=0)
    _strata_model(weights).fit(X, Y, callbacks=[CSVLogger(tmp_path / "fused.csv")], **fit_args)
    assert len(fused_calls) == 1  # CSVLogger alone keeps the run fused
    _strata_model(weights).fit(X, Y, callbacks=[CSVLogger(tmp_path / "steps.csv"), _EpochObserver()], **fit_args)
    assert len(fused_calls) == 1  # the observer forced the epoch-by-epoch mode
    fused = _rows(tmp_path / "fused.csv")
    steps = _rows(tmp_path / "steps.csv")
    assert fused[0] == steps[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [row[0] for row in fused] == [row[0] for row in steps] == ["epoch", "0", "1", "2", "3"]
    np.testing.assert_allclose(np.array(fused[1:], float), np.array(steps[1:], float), rtol=1e-6)


def test_file_is_flushed_after_each_epoch(tmp_path):
    path = tmp_path / "log.csv"
    seen = []

    class Reader(Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(path.read_text().count("\n"))

    _strata_model().fit(X, Y, batch_size=20, epochs=3, verbose=0, callbacks=[CSVLogger(path), Reader()])
    assert seen == [2, 3, 4]  # header + one row per finished epoch, readable while training runs
