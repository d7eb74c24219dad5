"""Tuners end to end with strata models: console output and summaries against KerasTuner 1.4.8,
fit arguments and callbacks passed through, best epochs and models, reload, failures, executions,
and compiled programs reused by architecture."""

import copy
import io
import json
import os
import re
import contextlib

import numpy as np
import pytest

import strata
from strata import layers
from strata import tuner as kt
from strata.callbacks import EarlyStopping
from strata.training import programs

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4)).astype("float32")
Y = (X[:, 0] > 0).astype("int32") + (X[:, 1] > 0).astype("int32")
XV, YV = X[:12], Y[:12]


def make_build(lib, fail_when=None):
    calls = []

    def build(hp):
        units = hp.Int("units", 4, 8, step=4)
        lr = hp.Float("lr", 1e-3, 1e-1, sampling="log")
        calls.append(1)
        if fail_when is not None and len(calls) > 1 and fail_when(hp):  # the constructor's build succeeds
            raise ValueError("this trial is meant to fail")
        model = lib.Sequential([lib.layers.Input((4,)), lib.layers.Dense(units, activation="relu"),
                                lib.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=lib.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model
    return build


def run_printing(fn):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fn()
    return out.getvalue()


TUNER_LINE = re.compile(r"^(Search: Running Trial|Value  |Trial \d+ Complete|val_loss:|Best val_loss So Far|"
                        r"Total elapsed time|Search space summary|Default search space|Results summary|Results in|"
                        r"Showing|Objective\(|Trial \w+ summary|Hyperparameters:|Score:|units|lr)")


def _shape(text, project_dir):
    """The tuner's lines with numbers, times and paths masked (values of random draws differ)."""
    lines = []
    for line in text.replace(project_dir, "<dir>").splitlines():
        if not TUNER_LINE.match(line) and "|" not in line:
            continue
        line = re.sub(r"\d+h \d+m \d+s", "<time>", line)
        if line.count("|") == 2 and not line.startswith("Value"):  # a table row: two 18-wide cells, then the name
            assert len(line.split("|")[0]) == len(line.split("|")[1]) == 18, line
            line = "<18>|<18>|" + line.split("|")[2]
        lines.append(re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "<n>", line))
    return lines


@pytest.mark.keras
def test_console_and_summaries_match_kerastuner(kt_oracle, keras, tmp_path):
    outputs = {}
    for name, lib, module in (("kt", keras, kt_oracle), ("strata", strata, kt)):
        def search():
            tuner = module.RandomSearch(make_build(lib), objective="val_loss", max_trials=2, seed=1,
                                        directory=str(tmp_path), project_name=name)
            tuner.search_space_summary()
            tuner.search(X, Y, epochs=2, validation_data=(XV, YV), verbose=1)
            tuner.results_summary(num_trials=3)
        outputs[name] = _shape(run_printing(search), os.path.join(str(tmp_path), name))
    assert outputs["strata"] == outputs["kt"]
    assert "Search: Running Trial #<n>" in outputs["strata"] and "Showing <n> best trials" in outputs["strata"]


@pytest.mark.keras
def test_search_space_summary_text_matches_kerastuner(kt_oracle, tmp_path):
    def build(hp, lib_hp_only=True):
        hp.Int("units", 2, 8, step=2)
        hp.Choice("act", ["relu", "tanh"])
        with hp.conditional_scope("act", ["tanh"]):
            hp.Boolean("extra")
        hp.Float("lr", 1e-4, 1e-2, sampling="log")
        hp.Fixed("seed", 3)
        return strata.Sequential([layers.Input((1,)), layers.Dense(1)])

    ours, theirs = kt.HyperParameters(), kt_oracle.HyperParameters()
    build(ours)
    build(theirs)
    from keras_tuner.src.engine.base_tuner import BaseTuner  # the text comes from the space alone

    class _Printer:
        oracle = type("O", (), {"get_space": lambda self: theirs})()

    expected = run_printing(lambda: BaseTuner.search_space_summary(_Printer()))
    tuner = kt.RandomSearch(lambda hp: build(hp), objective="val_loss", directory=str(tmp_path))
    assert run_printing(tuner.search_space_summary) == expected
    assert "{'default': None, 'conditions': [], 'min_value': 2, 'max_value': 8, 'step': 2, 'sampling': 'linear'}" \
        in expected


def test_fit_arguments_and_callbacks_pass_through_and_are_copied(tmp_path):
    stop = EarlyStopping(monitor="val_loss", patience=0)
    seen = []

    class Recorder(kt.HyperModel):
        def build(self, hp):
            return make_build(strata)(hp)

        def fit(self, hp, model, *args, **kwargs):
            seen.append((kwargs["epochs"], kwargs["batch_size"], [type(c).__name__ for c in kwargs["callbacks"]],
                         any(c is stop for c in kwargs["callbacks"])))
            return model.fit(*args, **kwargs)

    tuner = kt.RandomSearch(Recorder(), objective="val_loss", max_trials=2, seed=0, directory=str(tmp_path))
    tuner.search(X, Y, epochs=50, batch_size=8, validation_data=(XV, YV), callbacks=[stop], verbose=0)
    assert [s[:3] for s in seen] == [(50, 8, ["EarlyStopping", "BestEpochCheckpoint"])] * 2
    assert not any(s[3] for s in seen) and stop.model is None
    for trial in tuner.oracle.trials.values():
        assert len(trial.metrics.metrics["val_loss"]["observations"]) == 1  # the best epoch only


def test_score_is_the_best_epoch_and_best_models_hold_its_weights(tmp_path):
    tuner = kt.RandomSearch(make_build(strata), objective="val_accuracy", max_trials=3, seed=2,
                            directory=str(tmp_path))
    histories = []

    class Keep(strata.callbacks.Callback):
        def on_train_end(self, logs=None):
            histories.append(copy.deepcopy(self.model.history.history))

    tuner.search(X, Y, epochs=6, validation_data=(XV, YV), callbacks=[Keep()], verbose=0)
    trials = tuner.oracle.get_best_trials(3)
    assert [t.score for t in trials] == sorted((t.score for t in trials), reverse=True)
    for trial, history in zip(sorted(tuner.oracle.trials.values(), key=lambda t: t.trial_id), histories):
        accuracy = history["val_accuracy"]
        assert trial.score == pytest.approx(max(accuracy)) and trial.best_step == accuracy.index(max(accuracy))
        loss = history["val_loss"][trial.best_step]
        assert trial.metrics.get_best_value("val_loss") == pytest.approx(loss)
    best = tuner.get_best_models(1)[0]
    logs = best.evaluate(XV, YV, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(trials[0].score)
    assert logs["loss"] == pytest.approx(trials[0].metrics.get_best_value("val_loss"), rel=1e-5)
    hps = tuner.get_best_hyperparameters(2)
    assert [h.values for h in hps] == [t.hyperparameters.values for t in trials[:2]]


def test_files_on_disk_are_kerastuner_shaped_json(tmp_path):
    tuner = kt.RandomSearch(make_build(strata), objective="val_loss", max_trials=2, seed=0,
                            directory=str(tmp_path), project_name="demo")
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    root = tmp_path / "demo"
    assert sorted(os.listdir(root)) == ["oracle.json", "trial_0", "trial_1", "tuner0.json"]
    assert sorted(os.listdir(root / "trial_0")) == ["build_config.json", "checkpoint.weights.h5", "trial.json"]
    trial = json.loads((root / "trial_0" / "trial.json").read_text())
    assert sorted(trial) == ["best_step", "hyperparameters", "message", "metrics", "score", "status", "trial_id"]
    assert trial["metrics"]["metrics"]["val_loss"]["direction"] == "min"
    oracle = json.loads((root / "oracle.json").read_text())
    for key in ("ongoing_trials", "hyperparameters", "start_order", "end_order", "run_times", "retry_queue",
                "seed", "seed_state", "tried_so_far", "id_to_hash", "display"):
        assert key in oracle
    assert json.loads((root / "trial_0" / "build_config.json").read_text()) == {"input_shape": [None, 4]}


def test_reload_resumes_says_so_and_overwrite_starts_fresh(tmp_path, capsys):
    args = dict(objective="val_loss", seed=4, directory=str(tmp_path), project_name="p")
    first = kt.RandomSearch(make_build(strata), max_trials=2, **args)
    first.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    capsys.readouterr()
    again = kt.RandomSearch(make_build(strata), max_trials=2, **args)
    out = capsys.readouterr().out
    assert out == (f"Reloading Tuner from {os.path.join(str(tmp_path), 'p', 'tuner0.json')} (2 trials, 2 completed; "
                   "pass overwrite=True to start a fresh search)\n")
    again.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert sorted(again.oracle.trials) == ["0", "1"]  # a finished search runs no new trials
    assert again.oracle.get_best_trials(1)[0].score == first.oracle.get_best_trials(1)[0].score
    more = kt.RandomSearch(make_build(strata), max_trials=4, **args)
    more.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert sorted(more.oracle.trials) == ["0", "1", "2", "3"]
    values = [tuple(sorted(t.hyperparameters.values.items())) for t in more.oracle.trials.values()]
    assert len(set(values)) == 4
    capsys.readouterr()
    fresh = kt.RandomSearch(make_build(strata), max_trials=2, overwrite=True, **args)
    assert "Reloading" not in capsys.readouterr().out and fresh.oracle.trials == {}


@pytest.mark.keras
def test_reload_runs_the_same_trials_as_kerastuner(kt_oracle, keras, tmp_path, capsys):
    counts = {}
    for name, lib, module in (("kt", keras, kt_oracle), ("strata", strata, kt)):
        args = dict(objective="val_loss", seed=4, directory=str(tmp_path), project_name=name)
        module.RandomSearch(make_build(lib), max_trials=2, **args).search(X, Y, epochs=1, validation_data=(XV, YV),
                                                                           verbose=0)
        again = module.RandomSearch(make_build(lib), max_trials=3, **args)
        again.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
        counts[name] = sorted(again.oracle.trials)
        assert "Reloading Tuner from" in capsys.readouterr().out
    assert counts["strata"] == counts["kt"] == ["0", "1", "2"]


def test_failed_trials_and_the_consecutive_failure_limit(tmp_path, capsys):
    tuner = kt.RandomSearch(make_build(strata, fail_when=lambda hp: hp.values.get("units") == 8),
                            objective="val_loss", max_trials=6, seed=0, directory=str(tmp_path), project_name="a",
                            max_consecutive_failed_trials=6)
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    statuses = {t.hyperparameters.values["units"]: set() for t in tuner.oracle.trials.values()}
    for t in tuner.oracle.trials.values():
        statuses[t.hyperparameters.values["units"]].add(t.status)
    assert statuses == {4: {"COMPLETED"}, 8: {"FAILED"}}
    failed = [t for t in tuner.oracle.trials.values() if t.status == "FAILED"]
    assert "this trial is meant to fail" in failed[0].message and failed[0].score is None
    assert all(t.status == "COMPLETED" for t in tuner.oracle.get_best_trials(1))
    always = kt.RandomSearch(make_build(strata, fail_when=lambda hp: True), objective="val_loss", max_trials=10,
                             directory=str(tmp_path), project_name="b")
    with pytest.raises(RuntimeError, match="Number of consecutive failures exceeded the limit of 3.\n"):
        always.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert [t.status for t in always.oracle.trials.values()] == ["FAILED"] * 3
    retried = kt.RandomSearch(make_build(strata, fail_when=lambda hp: True), objective="val_loss", max_trials=1,
                              directory=str(tmp_path), project_name="c", max_retries_per_trial=1,
                              max_consecutive_failed_trials=1)
    capsys.readouterr()
    with pytest.raises(RuntimeError, match="limit of 1"):
        retried.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert "Trial 0 failed 1 times. 1 retries left." in capsys.readouterr().out


def test_build_returning_no_model_stops_the_search(tmp_path):
    with pytest.raises(kt.tuner.FatalError, match="to return a valid Keras Model instance. Received: None"):
        kt.RandomSearch(lambda hp: None, objective="val_loss", directory=str(tmp_path))


def test_executions_per_trial_average_the_best_epochs(tmp_path):
    results = []

    class Model(kt.HyperModel):
        def build(self, hp):
            hp.Int("units", 1, 3)
            return strata.Sequential([layers.Input((4,)), layers.Dense(1)])

        def fit(self, hp, model, *args, **kwargs):
            value = [0.5, 0.25][len(results) % 2]
            results.append(value)
            return {"score": value, "other": 2 * value}

    tuner = kt.RandomSearch(Model(), objective=kt.Objective("score", "min"), max_trials=1,
                            executions_per_trial=2, directory=str(tmp_path))
    tuner.search(verbose=0)
    trial = tuner.oracle.trials["0"]
    assert results == [0.5, 0.25] and trial.score == pytest.approx(0.375)
    assert trial.metrics.get_best_value("other") == pytest.approx(0.75)


def test_default_objective_needs_a_float(tmp_path):
    class Model(kt.HyperModel):
        def build(self, hp):
            hp.Float("x", -1.0, 1.0)
            return strata.Sequential([layers.Input((1,)), layers.Dense(1)])

        def fit(self, hp, model, *args, **kwargs):
            return (hp["x"] - 0.3) ** 2

    tuner = kt.BayesianOptimization(Model(), max_trials=5, seed=0, directory=str(tmp_path), project_name="f")
    tuner.search(verbose=0)
    assert tuner.oracle.objective.name == "default_objective"
    assert tuner.oracle.get_best_trials(1)[0].score == min(t.score for t in tuner.oracle.trials.values())

    class Bad(Model):
        def fit(self, hp, model, *args, **kwargs):
            model.compile(loss="mse")
            return model.fit(X[:, :1], X[:, 1], epochs=1, verbose=0)

    bad = kt.RandomSearch(Bad(), max_trials=1, directory=str(tmp_path), project_name="g")
    with pytest.raises(kt.tuner.FatalError, match="to be a single float when `objective` is left unspecified"):
        bad.search(verbose=0)


def test_hyperband_trains_its_schedule_and_continues_promoted_trials(tmp_path):
    epochs_seen = []

    class Model(kt.HyperModel):
        def build(self, hp):
            return make_build(strata)(hp)

        def fit(self, hp, model, *args, **kwargs):
            epochs_seen.append((hp.values.get("tuner/trial_id"), kwargs["initial_epoch"], kwargs["epochs"]))
            return model.fit(*args, **kwargs)

    tuner = kt.Hyperband(Model(), objective="val_loss", max_epochs=3, factor=3, seed=0, directory=str(tmp_path))
    tuner.search(X, Y, validation_data=(XV, YV), verbose=0)
    # 2 brackets: b1 = 3 trials of 1 epoch, 1 promoted to 3 epochs; b0 = 2 trials of 3 epochs
    assert [(src is not None, a, b) for src, a, b in epochs_seen] == [(False, 0, 1)] * 3 + [(True, 1, 3)] + \
        [(False, 0, 3)] * 2
    promoted = tuner.oracle.trials[epochs_seen[3][0]]
    best_first = tuner.oracle.get_best_trials(1)
    assert promoted.score == min(t.score for t in list(tuner.oracle.trials.values())[:3])
    assert best_first[0].status == "COMPLETED"


def test_one_compiled_program_per_architecture(tmp_path, monkeypatch):
    built = []
    original = programs.Programs.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(programs.Programs, "__init__", counting)
    traced = programs.TRACE_COUNTS["train"]
    tuner = kt.RandomSearch(make_build(strata), objective="val_loss", max_trials=20, seed=0,
                            directory=str(tmp_path))
    tuner.search(X, Y, epochs=2, validation_data=(XV, YV), verbose=0)
    architectures = {t.hyperparameters.values["units"] for t in tuner.oracle.trials.values()}
    assert len(tuner.oracle.trials) == 20 and architectures == {4, 8}
    assert len(built) <= len(architectures) + 1  # + the build in the tuner's constructor (no fit, no program)
    assert programs.TRACE_COUNTS["train"] - traced <= len(architectures)


def test_given_hyperparameters_and_new_entries(tmp_path):
    given = kt.HyperParameters()
    given.Choice("units", [8])
    tuner = kt.RandomSearch(make_build(strata), objective="val_loss", max_trials=3, seed=0, hyperparameters=given,
                            tune_new_entries=False, directory=str(tmp_path), project_name="fixed")
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert [t.hyperparameters.values for t in tuner.oracle.trials.values()] == [{"units": 8, "lr": 1e-3}]
    with pytest.raises(RuntimeError, match="`allow_new_entries` is `False`, but found new entries"):
        kt.RandomSearch(make_build(strata), objective="val_loss", hyperparameters=given, allow_new_entries=False,
                        directory=str(tmp_path), project_name="closed")
