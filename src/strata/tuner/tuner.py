"""``Tuner``: runs the trials an oracle chooses, with KerasTuner's arguments, files and console output.

Each trial builds the model from its hyperparameters (auto-names restart at ``dense``, but the
compiled programs are kept: strata keys them by architecture, so trials that differ only in values
that live in the training state — learning rate, seeds — reuse one compiled program), fits it with
the arguments given to ``search``, and reports the epoch where the objective was best.  The best
epoch's weights go to ``trial_<id>/checkpoint.weights.h5``.

Plain Dense stacks of different widths go further: they train as zero-padded twins that share
one compiled program per depth (:mod:`shared_programs`; ``share_programs=False`` turns it off).

``parallel_trials=N`` (strata's addition; default 1, one trial at a time) asks the oracle for up to N
trials at once and trains those of one architecture together, in one compiled program vmapped over
their states (:mod:`parallel_search`, :mod:`vectorized`); the scores equal a sequential search's.

A project folder that already holds a search is *resumed*, as KerasTuner does; strata says so in
one printed line, with the way to start afresh (``overwrite=True``).
"""

from __future__ import annotations

import copy
import os
import shutil
import statistics
import traceback
from typing import Any

from strata.callbacks import Callback
from strata.tuner import parallel_search, shared_programs, summaries
from strata.tuner.hypermodel import HyperModel, get_hypermodel
from strata.tuner.trial import Trial, TrialStatus, write_json


class FatalError(Exception):
    """A mistake that stops the search at once instead of failing one trial."""


class BestEpochCheckpoint(Callback):
    """Keeps the weights of the best epoch in memory and writes them once when training ends."""

    def __init__(self, objective: Any, path: str, owner: Any = None) -> None:
        super().__init__()
        self.objective, self.path = objective, path
        self.owner = owner  # the trial's own model when training runs on a zero-padded twin
        self.best, self.weights = None, None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if not self.objective.has_value(logs):
            return
        value = self.objective.get_value(logs)
        if self.best is None or self.objective.better_than(value, self.best):
            self.best, self.weights = value, self.model.get_weights()

    def on_train_end(self, logs: dict | None = None) -> None:
        weights = self.weights if self.weights is not None else self.model.get_weights()
        if self.owner is None:
            self.model.set_weights(weights)
            self.model.save_weights(self.path)
            return
        self.owner.set_weights(shared_programs.cut_weights(weights, self.owner))
        self.owner.save_weights(self.path)


class Tuner:
    """Drives a search: ``search``, then ``get_best_models`` / ``get_best_hyperparameters`` / summaries.

    KerasTuner's arguments, plus two of strata's own:

    Args:
        share_programs: train plain Dense stacks as zero-padded twins, so trials of one depth share
            one compiled program (:mod:`strata.tuner.shared_programs`).
        parallel_trials: how many trials to ask the oracle for at once; trials of one architecture
            then train together in one program vmapped over their states, each with its own seeds,
            learning rate and early stopping, and score as they would one by one
            (:mod:`strata.tuner.parallel_search`).  ``1`` (the default) runs one trial at a time:
            on a CPU that was the faster (XLA:CPU compiles the vmapped program about 50% longer).
    """

    def __init__(self, oracle: Any, hypermodel: Any = None, max_model_size: int | None = None, optimizer: Any = None,
                 loss: Any = None, metrics: Any = None, distribution_strategy: Any = None,
                 directory: str | None = None, project_name: str | None = None, logger: Any = None,
                 tuner_id: str | None = None, overwrite: bool = False, executions_per_trial: int = 1,
                 share_programs: bool = True, parallel_trials: int = 1) -> None:
        if isinstance(parallel_trials, bool) or not isinstance(parallel_trials, int) or parallel_trials < 1:
            raise ValueError(f"`parallel_trials` must be a positive integer (how many trials train at once). "
                             f"Received: parallel_trials={parallel_trials!r}")
        self.parallel_trials = parallel_trials  # strata's addition: see parallel_search.py
        self.oracle = oracle
        self.hypermodel = get_hypermodel(hypermodel)
        self.max_model_size = max_model_size
        self.optimizer, self.loss, self.metrics = optimizer, loss, metrics
        self.directory = directory or "."
        self.project_name = project_name or "untitled_project"
        self.tuner_id = tuner_id or "tuner0"
        self.executions_per_trial = executions_per_trial
        self.share_programs = share_programs  # strata's addition: see shared_programs.py
        self._shared_width = 0
        self.project_dir = os.path.join(str(self.directory), self.project_name)
        if overwrite and os.path.isdir(self.project_dir):
            shutil.rmtree(self.project_dir)
        os.makedirs(self.project_dir, exist_ok=True)
        self.oracle.project_dir = self.project_dir
        if os.path.exists(self._tuner_file()) and os.path.exists(os.path.join(self.project_dir, "oracle.json")):
            self.reload()
        elif self.hypermodel is not None:
            self._activate_all_conditions()
            self.save()

    # -- files -----------------------------------------------------------------------------------------
    def _tuner_file(self) -> str:
        return os.path.join(self.project_dir, f"{self.tuner_id}.json")

    def _trial_dir(self, trial_id: str) -> str:
        return os.path.join(self.project_dir, f"trial_{trial_id}")

    def save(self) -> None:
        self.oracle.save()
        write_json(self._tuner_file(), {})

    def reload(self) -> None:
        self.oracle.reload()
        trials = self.oracle.trials.values()
        done = sum(t.status == TrialStatus.COMPLETED for t in trials)
        print(f"Reloading Tuner from {self._tuner_file()} ({len(self.oracle.trials)} trials, {done} completed; "
              f"pass overwrite=True to start a fresh search)")

    # -- building --------------------------------------------------------------------------------------
    def _activate_all_conditions(self) -> None:
        """Build until every conditional scope has been active once, so the whole space is registered."""
        hp = self.oracle.hyperparameters.copy()
        self._build(hp)
        seen_inactive = set()
        while True:
            self.oracle.update_space(hp)
            inactive = [h for h in hp.space if not hp.is_active(h) and h.name not in seen_inactive]
            if not inactive:
                break
            target = inactive[0]
            seen_inactive.add(target.name)
            for parent, allowed in target.conditions:
                hp.values[parent] = allowed[0]
            hp.ensure_active_values()
            self._build(hp)
        self.oracle.update_space(hp)

    def _build(self, hp: Any) -> Any:
        from strata.core import naming

        naming.reset_names()  # names restart at "dense"; compiled programs stay cached by architecture
        model = self.hypermodel.build(hp)
        if model is None or not hasattr(model, "fit"):
            raise FatalError(f"Expected the model-building function, or HyperModel.build() to return a valid "
                             f"Keras Model instance. Received: {model} of type {type(model)}.")
        if self.optimizer is not None or self.loss is not None or self.metrics is not None:
            model.compile(optimizer=self.optimizer, loss=self.loss, metrics=self.metrics)
        if self.max_model_size and model.count_params() > self.max_model_size:
            raise RuntimeError(f"Oversized model: {model.count_params()} parameters (max_model_size="
                               f"{self.max_model_size}).")
        return model

    def _build_for_trial(self, hp: Any) -> Any:
        model = self._build(hp)
        source = hp.values.get("tuner/trial_id")
        if source is not None:
            model.load_weights(os.path.join(self._trial_dir(source), "checkpoint.weights.h5"))
        return model

    # -- searching -------------------------------------------------------------------------------------
    def search(self, *fit_args: Any, **fit_kwargs: Any) -> None:
        """Run trials until the oracle stops; the arguments go to ``model.fit`` (callbacks are copied per trial)."""
        if "verbose" in fit_kwargs:
            self.oracle._display.verbose = 1 if fit_kwargs["verbose"] == "auto" else fit_kwargs["verbose"]
        if self.parallel_trials > 1:
            parallel_search.search(self, fit_args, fit_kwargs)
            return
        while True:
            trial = self.oracle.create_trial(self.tuner_id)
            if trial.status == TrialStatus.STOPPED:
                break
            if trial.status == TrialStatus.IDLE:
                continue
            self._finish_trial(trial, lambda: self.run_trial(trial, *fit_args, **fit_kwargs))  # noqa: B023

    def _finish_trial(self, trial: Trial, results: Any) -> None:
        """Score a trial from ``results()`` (what its fits returned) and end it; a failure marks it invalid."""
        try:
            metrics, step = self._metrics_of(results())
            self.oracle.update_trial(trial.trial_id, metrics, step=step)
            trial.status = TrialStatus.COMPLETED
        except FatalError:
            raise
        except Exception:
            trial.status = TrialStatus.INVALID
            trial.message = traceback.format_exc()
            if self.oracle._display.verbose:
                print(trial.message)
        self.oracle.end_trial(trial)
        self.save()

    def run_trial(self, trial: Trial, *fit_args: Any, **fit_kwargs: Any) -> list:
        """Build and fit ``executions_per_trial`` times; the list of what ``fit`` returned."""
        hp = trial.hyperparameters
        fit_kwargs, callbacks, path = self._trial_setup(trial, fit_kwargs)
        results = []
        for _ in range(self.executions_per_trial):
            model = self._build_for_trial(hp)
            self.oracle.update_space(hp)
            twin = self._twin(model, callbacks)
            checkpoint = BestEpochCheckpoint(self.oracle.objective, path, owner=model if twin else None)
            copied = copy.deepcopy(callbacks) + [checkpoint]
            if twin is not None and all(getattr(c, "_replayable", False) for c in callbacks):
                fused_kwargs = dict(fit_kwargs, callbacks=copied[:-1])  # no per-epoch checkpoint: epochs run fused
                results.append(self._fit_twin_fused(model, twin, path, fit_args, fused_kwargs))
            elif twin is not None:
                results.append(twin.fit(*fit_args, callbacks=copied, **fit_kwargs))
            else:
                results.append(self.hypermodel.fit(hp, model, *fit_args, callbacks=copied, **fit_kwargs))
            self._record_build_config(trial, model)
        return results

    def _trial_setup(self, trial: Trial, fit_kwargs: dict) -> tuple[dict, list, str]:
        """A trial's ``fit`` keywords (Hyperband's epochs applied) without its callbacks, the callbacks,
        and the path of its checkpoint (whose folder is made)."""
        hp = trial.hyperparameters
        fit_kwargs = dict(fit_kwargs)
        if "tuner/epochs" in hp.values:
            fit_kwargs["epochs"] = hp.values["tuner/epochs"]
            fit_kwargs["initial_epoch"] = hp.values["tuner/initial_epoch"]
        callbacks = list(fit_kwargs.pop("callbacks", None) or [])
        path = os.path.join(self._trial_dir(trial.trial_id), "checkpoint.weights.h5")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return fit_kwargs, callbacks, path

    def _record_build_config(self, trial: Trial, model: Any) -> None:
        build_config = getattr(model, "get_build_config", lambda: None)()
        write_json(os.path.join(self._trial_dir(trial.trial_id), "build_config.json"), build_config or {})

    def _twin(self, model: Any, callbacks: list) -> Any:
        """A zero-padded twin of ``model`` sharing compiled programs with other trials, when invisible."""
        if not self.share_programs or type(self.hypermodel).fit is not HyperModel.fit:
            return None
        if not shared_programs.callbacks_are_safe(callbacks):
            return None
        widths = shared_programs.hidden_widths(model)
        if not widths:
            return None
        self._shared_width = shared_programs.padded_width(widths, self._shared_width)
        return shared_programs.make_twin(model, self._shared_width)

    def _fit_twin_fused(self, model: Any, twin: Any, path: str, fit_args: tuple, fit_kwargs: dict) -> Any:
        """Fit a twin with no per-epoch callback (so its epochs run fused), then find the best epoch's weights.

        When the best epoch is not the last, a fresh twin replays training up to it from the same seed
        stream position: on one machine that gives the very weights the first run had at that epoch.
        """
        from strata.core import random

        before = random.stream_position()
        history = twin.fit(*fit_args, **fit_kwargs)
        after = random.stream_position()
        _, best = _best_epoch(history.history, self.oracle.objective)
        weights = twin.get_weights()
        if best != len(history.epoch) - 1:
            again = shared_programs.make_twin(model, self._shared_width)
            random.restore_stream(before)
            replay = dict(fit_kwargs, epochs=fit_kwargs.get("initial_epoch", 0) + best + 1, callbacks=[], verbose=0)
            again.fit(*fit_args, **replay)
            weights = again.get_weights()
            random.restore_stream(after)
        model.set_weights(shared_programs.cut_weights(weights, model))
        model.save_weights(path)
        return history

    def _metrics_of(self, results: list) -> tuple[dict, int]:
        objective = self.oracle.objective
        dicts, steps = [], []
        for result in results:
            history = getattr(result, "history", None)
            if objective.name == "default_objective" and not isinstance(result, (int, float, dict)):
                raise FatalError("Expected the return value of HyperModel.fit() to be a single float when "
                                 f"`objective` is left unspecified. Recevied return value: {result}")
            if isinstance(history, dict):
                best, step = _best_epoch(history, objective)
            elif isinstance(result, dict):
                best, step = dict(result), 0
            elif isinstance(result, (int, float)) and not isinstance(result, bool):
                best, step = {objective.name: float(result)}, 0
            else:
                raise FatalError(f"Expected the return value of HyperModel.fit() to be a History, a dict of "
                                 f"metrics or a single float. Received: {result!r}.")
            if objective.name == "default_objective" and objective.name not in best:
                raise FatalError("Expected the return value of HyperModel.fit() to be a single float when "
                                 f"`objective` is left unspecified. Recevied return value: {result}")
            dicts.append(best)
            steps.append(step)
        names = dicts[0].keys()
        averaged = {n: float(sum(d[n] for d in dicts) / len(dicts)) for n in names if all(n in d for d in dicts)}
        return averaged, int(statistics.mean(steps))

    # -- results ---------------------------------------------------------------------------------------
    def get_best_hyperparameters(self, num_trials: int = 1) -> list:
        return [t.hyperparameters for t in self.oracle.get_best_trials(num_trials)]

    def load_model(self, trial: Trial) -> Any:
        model = self._build(trial.hyperparameters)
        model.load_weights(os.path.join(self._trial_dir(trial.trial_id), "checkpoint.weights.h5"))
        return model

    def get_best_models(self, num_models: int = 1) -> list:
        """The best trials' models, rebuilt with their best epoch's weights (optimizer state not restored)."""
        return [self.load_model(t) for t in self.oracle.get_best_trials(num_models)]

    def search_space_summary(self, extended: bool = False) -> None:
        summaries.print_search_space(self.oracle.hyperparameters)

    def results_summary(self, num_trials: int = 10) -> None:
        summaries.print_results(self.project_dir, self.oracle.objective, self.oracle.get_best_trials(num_trials),
                              num_trials)


def _best_epoch(history: dict, objective: Any) -> tuple[dict, int]:
    """The metrics of the epoch where the objective was best (the first one on ties)."""
    epochs = max((len(v) for v in history.values()), default=0)
    rows = [{k: float(v[e]) for k, v in history.items() if e < len(v)} for e in range(epochs)]
    if not rows:
        raise ValueError("fit returned an empty History: train for at least one epoch.")
    best = 0
    for epoch, row in enumerate(rows):
        if not objective.has_value(row):
            raise ValueError(f"Objective value missing in metrics reported to the Oracle, expected: "
                             f"['{objective.name}'], found: {row.keys()}")
        row.setdefault(objective.name, objective.get_value(row))
        if objective.better_than(row[objective.name], rows[best][objective.name]):
            best = epoch
    return rows[best], best
