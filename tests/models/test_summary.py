"""model.summary() prints exactly what Keras prints for the same model (KERAS_NOTES §6, §9 row 15)."""

import numpy as np
import pytest

from strata.layers import Dense, Dropout, Input
from strata.models import Sequential


def _text(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return "".join(lines)


def _mnist_pair(keras):
    def build(lib):
        return lib.Sequential([lib.layers.Input((784,)),
                               lib.layers.Dense(128, activation="relu", name="FirstHidden"),
                               lib.layers.Dropout(0.3, name="FirstDropOut"),
                               lib.layers.Dense(64, activation="tanh", name="SecondHidden"),
                               lib.layers.Dropout(0.2, name="SecondDropOut"),
                               lib.layers.Dense(10, activation="softmax", name="Output")], name="sequential_1")
    import strata

    return build(keras), build(strata)


@pytest.mark.keras
@pytest.mark.parametrize("columns", [None, "200"])
def test_summary_text_equals_keras(keras, monkeypatch, columns):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    km, sm = _mnist_pair(keras)
    text = _text(sm)
    assert text == _text(km)
    assert "Total params: 109,386 (427.29 KB)" in text


@pytest.mark.keras
def test_summary_after_fit_shows_optimizer_params_like_keras(keras, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    km = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")], name="m")
    sm = Sequential([Input((4,)), Dense(3, name="d")], name="m")
    x, y = np.zeros((8, 4), "float32"), np.zeros((8, 3), "float32")
    for model in (km, sm):
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=1, verbose=0)
    text = _text(sm)
    assert text == _text(km)
    assert "Optimizer params: 32 (128.00 B)" in text


def test_unbuilt_model_summary():
    text = _text(Sequential([Dense(3), Dropout(0.1)]))
    assert "0 (unbuilt)" in text and "│ ?" in text and "Total params: 0 (0.00 B)" in text


def test_summary_prints_to_stdout_without_print_fn(capsys):
    Sequential([Input((19,)), Dense(50, activation="relu"), Dropout(0.4), Dense(1)]).summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential' in out and "Total params: 1,051 (4.11 KB)" in out


_COURSE_MODELS = {  # (input shape, layers as (class name, kwargs)) of the seeds' Sequential models
    1051: ((19,), [("Dense", {"units": 50, "activation": "relu"}), ("Dropout", {"rate": 0.4}),
                   ("Dense", {"units": 1})]),
    109386: ((784,), [("Dense", {"units": 128, "activation": "relu"}), ("Dropout", {"rate": 0.3}),
                      ("Dense", {"units": 64, "activation": "tanh"}), ("Dropout", {"rate": 0.2}),
                      ("Dense", {"units": 10, "activation": "softmax"})]),
    7850: ((784,), [("Dense", {"units": 10, "activation": "softmax"})]),
    266610: ((28, 28), [("Flatten", {}), ("Dense", {"units": 300, "activation": "relu"}),
                        ("Dense", {"units": 100, "activation": "relu"}),
                        ("Dense", {"units": 10, "activation": "softmax"})]),
    50890: ((784,), [("Dense", {"units": 64, "activation": "relu"}),
                     ("Dense", {"units": 10, "activation": "softmax"})]),
}


@pytest.mark.keras
@pytest.mark.parametrize("params", sorted(_COURSE_MODELS))
def test_course_model_summaries_equal_keras(keras, monkeypatch, params):
    import strata

    monkeypatch.delenv("COLUMNS", raising=False)
    shape, layers = _COURSE_MODELS[params]

    def build(lib):
        return lib.Sequential([lib.layers.Input(shape)] + [
            getattr(lib.layers, cls)(name=f"layer_{i}", **kwargs) for i, (cls, kwargs) in enumerate(layers)],
            name="course_model")

    text = _text(build(strata))
    assert text == _text(build(keras))
    assert f"Total params: {params:,} " in text
