"""fit/evaluate/predict console lines in Keras's format (KERAS_NOTES §5.4, §9 row 15)."""

import re

import numpy as np
import pytest

from strata.layers import Dense, Input
from strata.models import Sequential

LINE = re.compile(r"^\d+/\d+ - \d+s - \d+(us|ms|s)/step( - \w+: -?[\d.]+(e[-+]\d+)?)*$")


def _model():
    model = Sequential([Input((4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


X = np.random.RandomState(0).rand(20, 4).astype("float32")
Y = np.eye(3, dtype="float32")[np.arange(20) % 3]


def _shape(text):
    """Replace timings so lines can be compared with Keras's."""
    return re.sub(r"\d+s - \d+(us|ms|s)/step", "T", text)


@pytest.mark.keras
def test_verbose_2_lines_match_keras(keras, capsys):
    km = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    sm = _model()
    sm.set_weights(km.get_weights())
    km.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    km.fit(X, Y, epochs=2, batch_size=8, shuffle=False, validation_split=0.2, verbose=2)
    theirs = capsys.readouterr().out
    sm.fit(X, Y, epochs=2, batch_size=8, shuffle=False, validation_split=0.2, verbose=2)
    ours = capsys.readouterr().out
    assert _shape(ours) == _shape(theirs)
    lines = ours.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert LINE.match(lines[1]) and LINE.match(lines[3])


def test_no_epoch_header_for_one_epoch_and_nothing_for_verbose_0(capsys):
    model = _model()
    model.fit(X, Y, epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert not out.startswith("Epoch") and len(out.splitlines()) == 1 and LINE.match(out.splitlines()[0])
    model.fit(X, Y, epochs=3, verbose=0)
    model.evaluate(X, Y, verbose=0)
    model.predict(X, verbose=0)
    assert capsys.readouterr().out == ""


def test_evaluate_and_predict_verbose_2(capsys):
    model = _model()
    model.evaluate(X, Y, verbose=2)
    model.predict(X, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert re.match(r"^1/1 - \d+s - \d+(us|ms|s)/step - accuracy: [\d.]+ - loss: [\d.]+$", lines[0])
    assert re.match(r"^1/1 - \d+s - \d+(us|ms|s)/step$", lines[1])


def test_verbose_1_without_a_terminal_prints_one_final_line_per_epoch(capsys):
    model = _model()
    model.fit(X, Y, epochs=2, batch_size=4, verbose=1)
    out = capsys.readouterr().out
    assert "\b" not in out and "\r" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.match(r"^5/5 ━{20} \d+s \d+(us|ms|s)/step - accuracy: [\d.]+ - loss: [\d.]+$", lines[1])


class _Screen:
    """A stdout that says it is a terminal and keeps every write."""

    def __init__(self):
        self.writes = []

    def write(self, text):
        self.writes.append(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return True


@pytest.mark.parametrize("display,interval", [("terminal", 0.05), ("notebook", 0.25)])
def test_fit_progress_is_one_rewritten_line_with_throttled_updates(monkeypatch, display, interval):
    import time

    from strata.utils import progbar

    screen = _Screen()
    monkeypatch.setattr("sys.stdout", screen)
    if display == "notebook":
        monkeypatch.setattr(progbar, "detect_display", lambda stream=None: "notebook")
    x = np.random.RandomState(0).rand(3000, 4).astype("float32")
    y = np.eye(3, dtype="float32")[np.arange(3000) % 3]
    started = time.perf_counter()
    _model().fit(x, y, epochs=2, batch_size=2, verbose=1)  # 1500 steps per epoch
    elapsed = time.perf_counter() - started
    text = "".join(screen.writes)
    assert text.count("\n") == 4  # "Epoch 1/2", its final bar, "Epoch 2/2", its final bar
    bars = [w for w in screen.writes if "/1500" in w]
    assert all(w.startswith("\r") or w.startswith("\b") for w in bars[1:])  # redrawn in place
    # Never more than one redraw per interval (plus each epoch's first and last).
    assert len(bars) <= 2 * 2 + elapsed / interval, (len(bars), elapsed)
    plain = re.sub(r"\x1b\[\d+m", "", text)
    assert re.search(r"\r *\d{1,3}/1500", plain)  # the bar moved during the epoch, not only at its end
    assert re.search(r"1500/1500 ━{20} \d+s \d+(us|ms|s)/step - accuracy: [\d.]+ - loss: [\d.]+", plain)


def test_verbose_auto_is_the_progress_bar_as_in_keras(capsys):
    model = _model()
    model.fit(X, Y, epochs=1, batch_size=4)  # verbose="auto" by default
    model.evaluate(X, Y, verbose="auto")
    model.predict(X)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3  # one bar each; no stream is a terminal here, so only the final lines
    assert re.match(r"^5/5 ━{20} \d+s \d+(us|ms|s)/step - accuracy: [\d.]+ - loss: [\d.]+$", lines[0])
    assert re.match(r"^1/1 ━{20} \d+s \d+(us|ms|s)/step - accuracy: [\d.]+ - loss: [\d.]+$", lines[1])
    assert re.match(r"^1/1 ━{20} \d+s \d+(us|ms|s)/step$", lines[2])
