"""Compile once per architecture: identical models reuse the first model's compiled programs."""

import gc

import jax
import numpy as np
import pytest

from strata.layers import Dense, Dropout
from strata.models import Sequential
from strata.training import compile_cache, programs


@pytest.fixture
def no_disk_cache():
    """Only the in-memory sharing is under test: the disk cache would also spare a retrace."""
    saved = dict(compile_cache._state)
    compile_cache.set_cache_dir(None)
    yield
    compile_cache._state.update(saved)


def test_fifty_identical_models_trace_the_training_program_once(no_disk_cache):
    x = np.random.RandomState(0).rand(4, 2).astype("float32")
    y = np.array([[0.0], [1.0], [1.0], [0.0]], "float32")
    before = dict(programs.TRACE_COUNTS)
    predictions, live = [], []
    for i in range(50):
        model = Sequential([Dense(2, input_dim=2, activation="relu"), Dropout(0.1), Dense(1)])
        model.compile(loss="mean_squared_error", optimizer="adam")
        model.fit(x, y, verbose=0, epochs=3)
        predictions.append(model.predict(x, verbose=0))
        del model
        if i in (4, 49):
            gc.collect()
            live.append(len(jax.live_arrays()))
    traced = {k: programs.TRACE_COUNTS[k] - before.get(k, 0) for k in programs.TRACE_COUNTS}
    assert traced.get("train_epochs", 0) == 1
    assert traced.get("predict", 0) == 1
    # Every model still trained its own weights.
    assert len({p.tobytes() for p in predictions}) > 40
    # Memory stays flat: a finished model leaves no device buffers behind.
    assert live[1] <= live[0], live


def test_program_cache_stays_bounded():
    x = np.zeros((8, 3), "float32")
    for units in range(1, programs._CACHE_SIZE + 5):  # more architectures than the cache keeps
        model = Sequential([Dense(units, input_dim=3), Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(x, np.zeros(8), verbose=0)
    assert len(programs._CACHE) <= programs._CACHE_SIZE
