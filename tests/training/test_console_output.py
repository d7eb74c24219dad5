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
