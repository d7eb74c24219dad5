"""``parallel_trials``: trials of one architecture trained together in one vmapped program give the
scores of the same trials trained one by one; per-trial early stopping; the sequential fallback;
one compile per architecture."""

import collections

import h5py
import numpy as np
import pytest

import strata
from strata import layers
from strata import tuner as kt
from strata.callbacks import Callback, CSVLogger, EarlyStopping
from strata.training import compile_cache, programs
from strata.tuner import vectorized

RNG = np.random.default_rng(2)
X = RNG.normal(size=(44, 4)).astype("float32")
Y = ((X[:, 0] > 0).astype("int32") + (X[:, 2] > 0.3).astype("int32"))
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}  # float32 rounding of batched (vmapped) sums over 15 epochs


def build(hp, dropout=False, depth=False):
    model = strata.Sequential([layers.Input((4,))])
    for i in range(hp.Int("depth", 1, 2) if depth else 1):
        model.add(layers.Dense(8 if dropout else hp.Int(f"units_{i}", 3, 12, step=3), activation="relu"))
    if dropout:
        model.add(layers.Dropout(0.3))
    model.add(layers.Dense(3, activation="softmax"))
    model.compile(optimizer=strata.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _search(tmp_path, name, parallel, trials=6, epochs=15, callbacks=(), hypermodel=None, tuner_class=None,
            tuner_kwargs=None, **build_kwargs):
    from strata.core import random

    random.set_global_seed(random.DEFAULT_SEED)  # both searches start from the same seed stream
    lengths = []
    tuner_class = tuner_class or kt.RandomSearch
    kwargs = dict(tuner_kwargs or {"max_trials": trials})
    tuner = tuner_class(hypermodel or (lambda hp: build(hp, **build_kwargs)), objective="val_loss", seed=3,
                        directory=str(tmp_path), project_name=name, parallel_trials=parallel, **kwargs)
    original = tuner._metrics_of
    tuner._metrics_of = lambda results: (lengths.append([len(r.history["loss"]) for r in results]),
                                         original(results))[1]
    tuner.search(X[:32], Y[:32], epochs=epochs, batch_size=8, validation_data=(X[32:], Y[32:]), verbose=0,
                 callbacks=list(callbacks))
    return tuner, lengths


def _layer_weights(tuner, trial_id):
    with h5py.File(f"{tuner.project_dir}/trial_{trial_id}/checkpoint.weights.h5") as f:
        arrays = []
        f.visititems(lambda name, obj: arrays.append((name, obj[()])) if isinstance(obj, h5py.Dataset) else None)
    return [(name, value) for name, value in arrays if name.startswith("layers/")]


def _assert_same_trials(parallel, sequential):
    assert list(parallel.oracle.trials) == list(sequential.oracle.trials)
    for trial_id, trial in sequential.oracle.trials.items():
        ours = parallel.oracle.trials[trial_id]
        assert ours.status == trial.status == "COMPLETED", ours.message
        assert ours.hyperparameters.values == trial.hyperparameters.values
        assert ours.best_step == trial.best_step
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            np.testing.assert_allclose(ours.metrics.get_best_value(name), trial.metrics.get_best_value(name),
                                       **TOLERANCE)
        mine, theirs = _layer_weights(parallel, trial_id), _layer_weights(sequential, trial_id)
        assert [n for n, _ in mine] == [n for n, _ in theirs]
        for (_, a), (_, b) in zip(mine, theirs):
            np.testing.assert_allclose(a, b, **TOLERANCE)
    assert (parallel.get_best_hyperparameters(3)[0].values == sequential.get_best_hyperparameters(3)[0].values)


@pytest.mark.parametrize("build_kwargs", [
    {"depth": True},  # Dense stacks of two depths, padded twins: two groups in one round
    {"dropout": True},  # one architecture, per-trial dropout seeds and learning rates
])
def test_parallel_trials_score_as_the_same_trials_run_one_by_one(tmp_path, monkeypatch, build_kwargs):
    sequential, _ = _search(tmp_path, "one_by_one", 1, **build_kwargs)
    trained = []
    original = vectorized.Group.train
    monkeypatch.setattr(vectorized.Group, "train", lambda self: (trained.append(len(self.members)), original(self))[1])
    parallel, _ = _search(tmp_path, "parallel", 6, **build_kwargs)
    _assert_same_trials(parallel, sequential)
    best = parallel.get_best_models(1)[0]  # the trial's own model, with its best epoch's weights
    np.testing.assert_allclose(best.predict(X, verbose=0), sequential.get_best_models(1)[0].predict(X, verbose=0),
                               **TOLERANCE)
    depths = {t.hyperparameters.values.get("depth", 1) for t in parallel.oracle.trials.values()}
    assert sum(trained) == 6 and len(trained) == len(depths)  # one group per depth (or architecture)


def test_executions_per_trial_train_as_members_of_one_group(tmp_path):
    kwargs = {"tuner_kwargs": {"max_trials": 3, "executions_per_trial": 2}, "dropout": True}
    sequential, seq_lengths = _search(tmp_path, "one_by_one", 1, **kwargs)
    parallel, par_lengths = _search(tmp_path, "parallel", 4, **kwargs)
    _assert_same_trials(parallel, sequential)
    assert par_lengths == seq_lengths == [[15, 15]] * 3


def test_each_trial_stops_early_on_its_own(tmp_path):
    stop = EarlyStopping(monitor="val_loss", patience=2)
    csv = CSVLogger(str(tmp_path / "log.csv"))
    # two depths: two groups, whose trials still end (and write the log) in trial order
    sequential, seq_lengths = _search(tmp_path, "one_by_one", 1, epochs=30, callbacks=[stop, csv], depth=True)
    expected = (tmp_path / "log.csv").read_text()
    parallel, par_lengths = _search(tmp_path, "parallel", 6, epochs=30, callbacks=[stop, csv], depth=True)
    _assert_same_trials(parallel, sequential)
    assert par_lengths == seq_lengths
    stopped = [n for [n] in par_lengths]
    assert len(set(stopped)) > 1 and min(stopped) < 30  # the trials stopped at different epochs
    assert stop.model is None  # the user's callback was copied per trial, never used itself
    log = (tmp_path / "log.csv").read_text()
    assert len(log.splitlines()) == stopped[-1] + 1  # the last trial's log, as one by one
    np.testing.assert_allclose(np.loadtxt(log.splitlines()[1:], delimiter=","),
                               np.loadtxt(expected.splitlines()[1:], delimiter=","), **TOLERANCE)


class Counting(Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.epochs = getattr(self, "epochs", 0) + 1


class OwnFit(kt.HyperModel):
    def build(self, hp):
        return build(hp, dropout=True)

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, **kwargs)


@pytest.mark.parametrize("case", ["user_callback", "hypermodel_fit"])
def test_trials_that_cannot_be_vectorised_run_one_by_one(tmp_path, monkeypatch, case):
    kwargs = {"callbacks": [Counting()]} if case == "user_callback" else {"hypermodel": OwnFit()}
    sequential, _ = _search(tmp_path, "one_by_one", 1, trials=3, dropout=True, **kwargs)
    trained = []
    original = vectorized.Group.train
    monkeypatch.setattr(vectorized.Group, "train", lambda self: (trained.append(self), original(self))[1])
    parallel, _ = _search(tmp_path, "parallel", 3, trials=3, dropout=True, **kwargs)
    assert not trained
    _assert_same_trials(parallel, sequential)


def test_a_vectorised_group_trains_its_members_together(tmp_path, monkeypatch):
    trained = []
    original = vectorized.Group.train
    monkeypatch.setattr(vectorized.Group, "train", lambda self: (trained.append(len(self.members)), original(self))[1])
    _search(tmp_path, "parallel", 3, trials=3, epochs=2, dropout=True)
    assert trained == [3]


def test_one_compile_per_architecture_across_rounds(tmp_path, monkeypatch):
    monkeypatch.setattr(programs, "_CACHE", collections.OrderedDict())  # forget other tests' programs
    monkeypatch.setitem(compile_cache._state, "disabled", True)  # trace here rather than load from disk
    before = dict(programs.TRACE_COUNTS)
    tuner, _ = _search(tmp_path, "count", 8, trials=16, epochs=3, dropout=True)
    assert all(t.status == "COMPLETED" for t in tuner.oracle.trials.values()) and len(tuner.oracle.trials) == 16
    assert programs.TRACE_COUNTS["train_epochs_vmapped"] - before.get("train_epochs_vmapped", 0) == 1
    assert programs.TRACE_COUNTS["train_epochs"] - before.get("train_epochs", 0) == 1  # only inside the vmap
    assert len({t.hyperparameters.values["lr"] for t in tuner.oracle.trials.values()}) == 16


def test_hyperband_rounds_run_in_parallel(tmp_path):
    tuner, lengths = _search(tmp_path, "band", 4, tuner_class=kt.Hyperband, dropout=True,
                             tuner_kwargs={"max_epochs": 4, "factor": 2})
    trials = list(tuner.oracle.trials.values())
    assert trials and all(t.status == "COMPLETED" for t in trials)
    continued = [t for t in trials if "tuner/trial_id" in t.hyperparameters.values]
    assert continued  # later rounds continue earlier trials from their checkpoints
    for trial, [length] in zip(trials, lengths):
        values = trial.hyperparameters.values
        assert length == values["tuner/epochs"] - values["tuner/initial_epoch"]


@pytest.mark.parametrize("value", [0, -2, 1.5, True, "4"])
def test_parallel_trials_must_be_a_positive_integer(tmp_path, value):
    with pytest.raises(ValueError, match=r"`parallel_trials` must be a positive integer .*Received: "
                                         rf"parallel_trials={value!r}"):
        kt.RandomSearch(build, objective="val_loss", directory=str(tmp_path), parallel_trials=value)
