"""Trials of different widths trained as zero-padded twins: the same results as training each
model itself, one compiled program per depth, and a fallback wherever the twin could be seen."""

import copy

import h5py
import numpy as np
import pytest

import strata
from strata import layers
from strata import tuner as kt
from strata.callbacks import Callback, EarlyStopping
from strata.training import programs
from strata.tuner import shared_programs

RNG = np.random.default_rng(1)
X = RNG.normal(size=(48, 4)).astype("float32")
Y = ((X[:, 0] > 0).astype("int32") + (X[:, 2] > 0.3).astype("int32"))


def build(hp, activation="relu", dropout=False):
    model = strata.Sequential([layers.Input((4,))])
    for i in range(hp.Int("depth", 1, 2)):
        model.add(layers.Dense(hp.Int(f"units_{i}", 3, 12, step=3), activation=activation))
        if dropout:
            model.add(layers.Dropout(0.1))
    model.add(layers.Dense(3, activation="softmax"))
    model.compile(optimizer=strata.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _search(tmp_path, name, share, trials=8, callbacks=(), **kwargs):
    from strata.core import random

    random.set_global_seed(random.DEFAULT_SEED)  # both searches start from the same seed stream
    histories = []

    class Keep(kt.HyperModel):  # only used for the reference run (an overridden fit never uses a twin)
        def build(self, hp):
            return build(hp, **kwargs)

        def fit(self, hp, model, *args, **fit_kwargs):
            history = model.fit(*args, **fit_kwargs)
            histories.append(history.history)
            return history

    tuner = kt.RandomSearch(Keep() if not share else (lambda hp: build(hp, **kwargs)), objective="val_loss",
                            max_trials=trials, seed=3, directory=str(tmp_path), project_name=name, share_programs=share)
    tuner.search(X[:36], Y[:36], epochs=15, batch_size=8, validation_data=(X[36:], Y[36:]), verbose=0,
                 callbacks=[copy.deepcopy(c) for c in callbacks])
    return tuner, histories


def _checkpoint(tuner, trial_id):
    with h5py.File(f"{tuner.project_dir}/trial_{trial_id}/checkpoint.weights.h5") as f:
        arrays = []
        f.visititems(lambda name, obj: arrays.append((name, obj[()])) if isinstance(obj, h5py.Dataset) else None)
    return [(name, value) for name, value in arrays if name.startswith("layers/")]  # optimizer slots: see report


@pytest.mark.parametrize("activation,callbacks", [
    ("relu", ()),  # fused epochs, the best epoch's weights replayed
    ("tanh", ()),
    ("relu", (EarlyStopping(monitor="val_loss", patience=100),)),  # epoch by epoch, weights kept at the best
])
def test_padded_trials_give_the_results_of_trials_trained_one_by_one(tmp_path, activation, callbacks):
    shared, _ = _search(tmp_path, "shared", True, trials=4, callbacks=callbacks, activation=activation)
    alone, _ = _search(tmp_path, "alone", False, trials=4, callbacks=callbacks, activation=activation)
    assert shared._shared_width == 16
    for trial_id, trial in alone.oracle.trials.items():
        twin_trial = shared.oracle.trials[trial_id]
        assert twin_trial.hyperparameters.values == trial.hyperparameters.values
        assert twin_trial.best_step == trial.best_step
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            np.testing.assert_allclose(twin_trial.metrics.get_best_value(name), trial.metrics.get_best_value(name),
                                       rtol=2e-5, atol=1e-6)
        ours, theirs = _checkpoint(shared, trial_id), _checkpoint(alone, trial_id)
        assert [n for n, _ in ours] == [n for n, _ in theirs]
        for (_, a), (_, b) in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    best = shared.get_best_models(1)[0]
    assert [layer.units for layer in best.layers] == [
        shared.oracle.get_best_trials(1)[0].hyperparameters.values[f"units_{i}"]
        for i in range(len(best.layers) - 1)] + [3]


def test_one_program_per_depth(tmp_path, monkeypatch):
    import collections

    monkeypatch.setattr(programs, "_CACHE", collections.OrderedDict())  # forget other tests' programs
    built = []
    original = programs.Programs.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(programs.Programs, "__init__", counting)
    tuner, _ = _search(tmp_path, "count", True)
    widths = {tuple(t.hyperparameters.values[f"units_{i}"] for i in range(t.hyperparameters.values["depth"]))
              for t in tuner.oracle.trials.values()}
    assert len(widths) >= 5 and len(built) == 2  # 8 trials, at least 5 architectures, 2 depths


def test_twins_are_used_only_where_they_cannot_be_seen(tmp_path):
    tuner = kt.RandomSearch(build, objective="val_loss", max_trials=1, directory=str(tmp_path))
    model = build(kt.HyperParameters())
    assert shared_programs.hidden_widths(model) == [3]
    assert tuner._twin(model, [EarlyStopping()]) is not None
    assert tuner._twin(model, [Callback()]) is None  # a user's callback may look at the layers
    assert shared_programs.hidden_widths(build(kt.HyperParameters(), activation="sigmoid")) is None
    assert shared_programs.hidden_widths(build(kt.HyperParameters(), dropout=True)) is None
    assert shared_programs.padded_width([5, 12], current=8) == 16 and shared_programs.padded_width([3]) == 4
    off = kt.RandomSearch(build, objective="val_loss", max_trials=1, directory=str(tmp_path), project_name="off",
                          share_programs=False)
    assert off._twin(model, []) is None
    twin = shared_programs.make_twin(model, 8)
    assert [layer.units for layer in twin.layers] == [8, 3]
    np.testing.assert_allclose(twin.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6, atol=1e-7)
