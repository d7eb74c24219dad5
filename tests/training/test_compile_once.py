"""Compile once per architecture: identical models reuse the first model's compiled programs."""

import numpy as np

from strata.layers import Dense, Dropout
from strata.models import Sequential
from strata.training import programs


def test_fifty_identical_models_trace_the_training_program_once():
    x = np.random.RandomState(0).rand(4, 2).astype("float32")
    y = np.array([[0.0], [1.0], [1.0], [0.0]], "float32")
    before = dict(programs.TRACE_COUNTS)
    predictions = []
    for _ in range(50):
        model = Sequential([Dense(2, input_dim=2, activation="relu"), Dropout(0.1), Dense(1)])
        model.compile(loss="mean_squared_error", optimizer="adam")
        model.fit(x, y, verbose=0, epochs=3)
        predictions.append(model.predict(x, verbose=0))
    traced = {k: programs.TRACE_COUNTS[k] - before.get(k, 0) for k in programs.TRACE_COUNTS}
    assert traced.get("train_epochs", 0) <= 1
    assert traced.get("predict", 0) <= 1
    # Every model still trained its own weights.
    assert len({p.tobytes() for p in predictions}) > 40


def test_program_cache_stays_bounded():
    x = np.zeros((8, 3), "float32")
    for units in range(1, 40):
        model = Sequential([Dense(units, input_dim=3), Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(x, np.zeros(8), verbose=0)
    assert len(programs._CACHE) <= programs._CACHE_SIZE
