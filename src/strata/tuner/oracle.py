"""``Oracle``: the bookkeeping of a search — which values each trial gets, scores, retries, files.

Trial values come from an Optuna study (``optuna.samplers.RandomSampler``, ``TPESampler`` ...):
each new trial asks the study, hyperparameter by hyperparameter in registration order, skipping
those whose conditions are inactive.  Finished trials are told back to the study, so model-based
samplers learn from them.  The rest follows KerasTuner: trial ids padded to ``len(str(max_trials))``
digits, a trial's score is its objective at the best epoch, ``FAILED`` after its retries, a
``RuntimeError`` after ``max_consecutive_failed_trials`` failures in a row, and random-style search
stops when 20 draws in a row repeat values already tried.  State is JSON in ``oracle.json``.
"""

from __future__ import annotations

import collections
import glob
import hashlib
import json
import math
import os
from typing import Any

from strata.tuner.display import Display
from strata.tuner.hyperparameters import HyperParameters
from strata.tuner.objective import create_objective
from strata.tuner.trial import Trial, TrialStatus, write_json

MAX_COLLISIONS = 20


def values_hash(values: dict) -> str:
    text = "".join(f"{k}={values[k]}" for k in sorted(values))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Oracle:
    """Base oracle; subclasses choose the values of new trials in :meth:`populate_space`."""

    def __init__(self, objective: Any = None, max_trials: int | None = None, hyperparameters: Any = None,
                 allow_new_entries: bool = True, tune_new_entries: bool = True, seed: int | None = None,
                 max_retries_per_trial: int = 0, max_consecutive_failed_trials: int = 3) -> None:
        self.objective = create_objective(objective)
        self.max_trials = max_trials
        self.hyperparameters = hyperparameters.copy() if hyperparameters else HyperParameters()
        self._fixed_names = {hp.name for hp in self.hyperparameters.space} if not tune_new_entries else None
        self.allow_new_entries = allow_new_entries
        self.tune_new_entries = tune_new_entries
        self.seed = seed if seed is not None else int.from_bytes(os.urandom(3), "little")
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.trials: dict[str, Trial] = {}
        self.ongoing_trials: dict[str, Trial] = {}
        self.start_order: list[str] = []
        self.end_order: list[str] = []
        self._run_times: collections.Counter = collections.Counter()
        self._retry_queue: list[str] = []
        self._tried_so_far: set[str] = set()
        self._id_to_hash: dict[str, str] = {}
        self._study_numbers: dict[str, int] = {}
        self._display = Display(self)
        self.project_dir: str | None = None
        self._study = None

    # -- Optuna ---------------------------------------------------------------------------------------
    def make_sampler(self) -> Any:
        import optuna

        return optuna.samplers.RandomSampler(seed=self.seed + len(self.trials))

    @property
    def study(self) -> Any:
        if self._study is None:
            import optuna

            optuna.logging.set_verbosity(optuna.logging.WARNING)
            direction = "maximize" if self.objective.direction == "max" else "minimize"
            self._study = optuna.create_study(direction=direction, sampler=self.make_sampler())
            self._replay_into_study()
        return self._study

    def _replay_into_study(self) -> None:
        import optuna

        for trial_id in self.end_order:
            trial = self.trials[trial_id]
            if trial.status != TrialStatus.COMPLETED or "tuner/trial_id" in trial.hyperparameters.values:
                continue
            params, dists = {}, {}
            for hp in self.hyperparameters.space:
                if hp.name in trial.hyperparameters.values:
                    dist, internal = hp.to_optuna(trial.hyperparameters.values[hp.name])
                    if dist is not None:
                        params[hp.name], dists[hp.name] = internal, dist
            self._study.add_trial(optuna.trial.create_trial(params=params, distributions=dists, value=trial.score))

    def _tunable(self, hp: Any) -> bool:
        return self._fixed_names is None or hp.name in self._fixed_names

    def _random_values(self, trial_id: str) -> dict | None:
        """Values drawn from the study, or ``None`` when 20 draws in a row were already tried."""
        from optuna.trial import TrialState

        for _ in range(MAX_COLLISIONS + 1):
            asked = self.study.ask()
            hps = HyperParameters()
            for hp in self.hyperparameters.space:
                hps.merge([hp])
                if hps.is_active(hp):
                    hps.values[hp.name] = hp.suggest(asked) if self._tunable(hp) else hp.default
            if values_hash(hps.values) not in self._tried_so_far:
                self._study_numbers[trial_id] = asked.number
                return hps.values
            self.study.tell(asked, state=TrialState.FAIL)
        return None

    # -- subclasses ------------------------------------------------------------------------------------
    def populate_space(self, trial_id: str) -> dict:
        """``{"status": "RUNNING", "values": {...}}``, or status ``"STOPPED"`` / ``"IDLE"``."""
        values = self._random_values(trial_id)
        if values is None:
            return {"status": TrialStatus.STOPPED, "values": None}
        return {"status": TrialStatus.RUNNING, "values": values}

    # -- the trial life cycle --------------------------------------------------------------------------
    def create_trial(self, tuner_id: str) -> Trial:
        if tuner_id in self.ongoing_trials:
            return self.ongoing_trials[tuner_id]
        if self._retry_queue:
            trial = self.trials[self._retry_queue.pop()]
            trial.status = TrialStatus.RUNNING
            self.ongoing_trials[tuner_id] = trial
            self.save()
            self._display.on_trial_begin(trial)
            return trial
        trial_id = f"{len(self.trials):0{len(str(self.max_trials))}d}"
        if self.max_trials and len(self.trials) >= self.max_trials:
            response = {"status": TrialStatus.STOPPED, "values": None}
        else:
            response = self.populate_space(trial_id)
        hps = self.hyperparameters.copy()
        hps.values = response.get("values") or {}
        trial = Trial(hps, trial_id=trial_id, status=response["status"])
        if trial.status == TrialStatus.RUNNING:
            self._record_values(trial)
            self.ongoing_trials[tuner_id] = trial
            self.trials[trial_id] = trial
            self.start_order.append(trial_id)
            self._save_trial(trial)
            self.save()
            self._display.on_trial_begin(trial)
        return trial

    def update_trial(self, trial_id: str, metrics: dict, step: int = 0) -> Trial:
        trial = self.trials[trial_id]
        names = list(getattr(self.objective, "name_to_direction", {self.objective.name: None}))
        missing = [n for n in names if n not in metrics]
        if missing:
            raise ValueError(f"Objective value missing in metrics reported to the Oracle, expected: {missing}, "
                             f"found: {metrics.keys()}")
        for name, value in metrics.items():
            if not trial.metrics.exists(name):
                directions = getattr(self.objective, "name_to_direction", {self.objective.name:
                                                                           self.objective.direction})
                trial.metrics.register(name, directions.get(name))
            trial.metrics.update(name, value, step=step)
        self._save_trial(trial)
        return trial

    def score_trial(self, trial: Trial) -> None:
        trial.score = trial.metrics.get_best_value(self.objective.name)
        trial.best_step = step_of(trial, self.objective.name, trial.score)

    def end_trial(self, trial: Trial) -> None:
        trial = self.trials[trial.trial_id]
        if trial.status == TrialStatus.COMPLETED:
            self.score_trial(trial)
            if trial.score is None or math.isnan(trial.score):
                trial.status = TrialStatus.INVALID
        self._record_values(trial)
        self._run_times[trial.trial_id] += 1
        retried = self._retry(trial)
        if not retried:
            self.end_order.append(trial.trial_id)
            self._tell_study(trial)
        self._save_trial(trial)
        self.save()
        self._display.on_trial_end(trial)
        for tuner_id, ongoing in list(self.ongoing_trials.items()):
            if ongoing.trial_id == trial.trial_id:
                del self.ongoing_trials[tuner_id]
        if not retried:
            self._check_consecutive_failures()

    def _tell_study(self, trial: Trial) -> None:
        number = self._study_numbers.pop(trial.trial_id, None)
        if number is None or self._study is None:
            return
        from optuna.trial import TrialState

        if trial.status == TrialStatus.COMPLETED:
            self._study.tell(number, trial.score)
        else:
            self._study.tell(number, state=TrialState.FAIL)

    def _retry(self, trial: Trial) -> bool:
        if trial.status != TrialStatus.INVALID:
            return False
        allowed = self.max_retries_per_trial + 1
        if self._run_times[trial.trial_id] >= allowed:
            trial.status = TrialStatus.FAILED
            return False
        print(f"Trial {trial.trial_id} failed {self._run_times[trial.trial_id]} times. "
              f"{allowed - self._run_times[trial.trial_id]} retries left.")
        self._retry_queue.append(trial.trial_id)
        return True

    def _check_consecutive_failures(self) -> None:
        failures = 0
        for trial_id in self.end_order:
            trial = self.trials[trial_id]
            failures = failures + 1 if trial.status == TrialStatus.FAILED else 0
            if failures == self.max_consecutive_failed_trials:
                raise RuntimeError(f"Number of consecutive failures exceeded the limit of "
                                   f"{self.max_consecutive_failed_trials}.\n" + (trial.message or ""))

    def _record_values(self, trial: Trial) -> None:
        trial.hyperparameters.ensure_active_values()
        new = values_hash(self._hash_values(trial.hyperparameters.values))
        self._tried_so_far.add(new)
        old = self._id_to_hash.get(trial.trial_id)
        if old != new:
            self._id_to_hash[trial.trial_id] = new
            self._tried_so_far.discard(old)

    def _hash_values(self, values: dict) -> dict:
        return values

    def update_space(self, hps: HyperParameters) -> None:
        """Add hyperparameters first seen while building a trial's model to the search space."""
        new = [hp for hp in hps.space if hp.name not in {h.name for h in self.hyperparameters.space}]
        if new and not self.allow_new_entries:
            raise RuntimeError(f"`allow_new_entries` is `False`, but found new entries {new}")
        if new:
            self.hyperparameters.merge(new, overwrite=False)
            self.hyperparameters.values = {}

    # -- results ---------------------------------------------------------------------------------------
    def get_trial(self, trial_id: str) -> Trial:
        return self.trials[trial_id]

    def get_best_trials(self, num_trials: int = 1) -> list[Trial]:
        """Completed trials, best score first (ties keep trial order); unfinished ones fill up the list."""
        done = [t for t in self.trials.values() if t.status == TrialStatus.COMPLETED]
        ranked = sorted(done, key=lambda t: t.score, reverse=self.objective.direction == "max")
        if len(ranked) < num_trials:
            ranked += [t for t in self.trials.values() if t.status != TrialStatus.COMPLETED]
        return ranked[:num_trials]

    def remaining_trials(self) -> int | None:
        return self.max_trials - len(self.trials) if self.max_trials else None

    # -- files -----------------------------------------------------------------------------------------
    def get_state(self) -> dict:
        return {"ongoing_trials": {k: t.trial_id for k, t in self.ongoing_trials.items()},
                "hyperparameters": self.hyperparameters.get_config(), "start_order": self.start_order,
                "end_order": self.end_order, "run_times": dict(self._run_times), "retry_queue": self._retry_queue,
                "seed": self.seed, "seed_state": self.seed + len(self.trials),
                "tried_so_far": sorted(self._tried_so_far), "id_to_hash": self._id_to_hash,
                "display": self._display.get_state()}

    def set_state(self, state: dict) -> None:
        self.hyperparameters = HyperParameters.from_config(state["hyperparameters"])
        self.start_order, self.end_order = state["start_order"], state["end_order"]
        self._run_times = collections.Counter(state["run_times"])
        self._retry_queue = state["retry_queue"]
        self.seed = state["seed"]
        self._tried_so_far = set(state["tried_so_far"])
        self._id_to_hash = dict(state["id_to_hash"])
        self._display.set_state(state["display"])
        # trials that were running when the process stopped run again (KerasTuner does the same)
        self._retry_queue += [tid for tid in state["ongoing_trials"].values() if tid in self.trials]
        self.ongoing_trials = {}

    def save(self) -> None:
        if self.project_dir:
            write_json(os.path.join(self.project_dir, "oracle.json"), self.get_state())

    def reload(self) -> None:
        for path in sorted(glob.glob(os.path.join(self.project_dir, "trial_*", "trial.json"))):
            trial = Trial.load(path)
            self.trials[trial.trial_id] = trial
        with open(os.path.join(self.project_dir, "oracle.json"), encoding="utf-8") as f:
            state = json.load(f)
        try:
            self.set_state(state)
        except KeyError as error:
            raise RuntimeError("Error reloading `Oracle` from existing project. If you did not mean to reload from "
                               "an existing project, change the `project_name` or pass `overwrite=True` when "
                               f"creating the `Tuner`. Found existing project at: {self.project_dir}") from error
        self._study = None

    def _save_trial(self, trial: Trial) -> None:
        if self.project_dir:
            trial.save(os.path.join(self.project_dir, f"trial_{trial.trial_id}", "trial.json"))


def step_of(trial: Trial, name: str, value: float | None) -> int | None:
    """The first step at which ``name`` took ``value``."""
    if value is None:
        return None
    for observation in trial.metrics.metrics[name]["observations"]:
        if sum(observation["value"]) / len(observation["value"]) == value:
            return observation["step"]
    return None
