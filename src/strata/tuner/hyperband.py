"""The Hyperband oracle: KerasTuner's bracket schedule of successive halving.

With ``n`` brackets (how often ``max_epochs`` divides by ``factor`` while at least 1), bracket
``b`` (run from ``n-1`` down to 0) has ``b+1`` rounds; round ``r`` trains
``ceil(ceil(1 + log_factor(max_epochs)) / (b+1) * factor**(b-r))`` models for
``ceil(max_epochs / factor**(b-r))`` epochs.  Round 0 draws new values (from the Optuna study);
each later round promotes the best not-yet-promoted trial of the previous round, which continues
from its checkpoint (``tuner/trial_id``, ``tuner/initial_epoch``, ``tuner/epochs``).

Example:
    >>> from strata.tuner.hyperband import HyperbandOracle
    >>> o = HyperbandOracle("val_loss", max_epochs=10, factor=3)
    >>> [(o.size(2, r), o.epochs(2, r)) for r in range(3)]
    [(12, 2), (4, 4), (2, 10)]
"""

from __future__ import annotations

import math
from typing import Any

from strata.tuner.oracle import Oracle
from strata.tuner.trial import TrialStatus

_SCHEDULE_KEYS = ("tuner/epochs", "tuner/initial_epoch", "tuner/bracket", "tuner/round")


class HyperbandOracle(Oracle):
    """Successive halving over brackets, repeated ``hyperband_iterations`` times."""

    def __init__(self, objective: Any = None, max_epochs: int = 100, factor: int = 3, hyperband_iterations: int = 1,
                 **kwargs: Any) -> None:
        super().__init__(objective, max_trials=None, **kwargs)
        if factor < 2:
            raise ValueError(f"factor needs to be a int larger than 1. Received: factor={factor}.")
        self.hyperband_iterations = hyperband_iterations or float("inf")
        self.max_epochs, self.min_epochs, self.factor = max_epochs, 1, factor
        self._current_iteration = 0
        self._current_bracket = self.num_brackets() - 1
        self._brackets: list[dict] = []
        self._start_bracket()

    # -- the schedule ----------------------------------------------------------------------------------
    def num_brackets(self) -> int:
        epochs, brackets = self.max_epochs, 0
        while epochs >= self.min_epochs:
            epochs /= self.factor
            brackets += 1
        return brackets

    def size(self, bracket: int, round_num: int) -> int:
        last_round_size = math.ceil(1 + math.log(self.max_epochs, self.factor)) / (bracket + 1)
        return math.ceil(last_round_size * self.factor ** (bracket - round_num))

    def epochs(self, bracket: int, round_num: int) -> int:
        return math.ceil(self.max_epochs / self.factor ** (bracket - round_num))

    def _start_bracket(self) -> None:
        self._brackets.append({"bracket_num": self._current_bracket,
                               "rounds": [[] for _ in range(self._current_bracket + 1)]})

    # -- choosing the next trial -----------------------------------------------------------------------
    def populate_space(self, trial_id: str) -> dict:
        self._brackets = [b for b in self._brackets
                          if len(b["rounds"][-1]) != self.size(b["bracket_num"], len(b["rounds"]) - 1)]
        for bracket in self._brackets:
            num, rounds = bracket["bracket_num"], bracket["rounds"]
            if len(rounds[0]) < self.size(num, 0):
                return self._new_trial(trial_id, bracket)
            for r in range(1, len(rounds)):
                promoted = {info["past_id"] for info in rounds[r]}
                candidates = [self.trials[info["id"]] for info in rounds[r - 1] if info["id"] not in promoted]
                candidates = [t for t in candidates if t.status == TrialStatus.COMPLETED]
                if len(candidates) > self.size(num, r - 1) - self.size(num, r):
                    best = sorted(candidates, key=lambda t: t.score, reverse=self.objective.direction == "max")[0]
                    values = dict(best.hyperparameters.values)
                    values.update({"tuner/trial_id": best.trial_id, "tuner/epochs": self.epochs(num, r),
                                   "tuner/initial_epoch": self.epochs(num, r - 1),
                                   "tuner/bracket": self._current_bracket, "tuner/round": r})
                    rounds[r].append({"past_id": best.trial_id, "id": trial_id})
                    return {"status": TrialStatus.RUNNING, "values": values}
        if self._current_bracket == 0 and self._current_iteration + 1 == self.hyperband_iterations:
            return {"status": TrialStatus.IDLE if self.ongoing_trials else TrialStatus.STOPPED, "values": None}
        self._current_bracket -= 1
        if self._current_bracket < 0:
            self._current_bracket = self.num_brackets() - 1
            self._current_iteration += 1
        self._start_bracket()
        return self._new_trial(trial_id, self._brackets[-1])

    def _new_trial(self, trial_id: str, bracket: dict) -> dict:
        values = self._random_values(trial_id)
        if values is None:
            return {"status": TrialStatus.IDLE if self.ongoing_trials else TrialStatus.STOPPED, "values": None}
        values.update({"tuner/epochs": self.epochs(bracket["bracket_num"], 0), "tuner/initial_epoch": 0,
                       "tuner/bracket": self._current_bracket, "tuner/round": 0})
        bracket["rounds"][0].append({"past_id": None, "id": trial_id})
        return {"status": TrialStatus.RUNNING, "values": values}

    def _hash_values(self, values: dict) -> dict:
        return {k: v for k, v in values.items() if k not in _SCHEDULE_KEYS}

    # -- files -----------------------------------------------------------------------------------------
    def get_state(self) -> dict:
        state = super().get_state()
        state.update(hyperband_iterations=self.hyperband_iterations, max_epochs=self.max_epochs,
                     min_epochs=self.min_epochs, factor=self.factor, brackets=self._brackets,
                     current_bracket=self._current_bracket, current_iteration=self._current_iteration)
        return state

    def set_state(self, state: dict) -> None:
        super().set_state(state)
        self.hyperband_iterations = state["hyperband_iterations"]
        self.max_epochs, self.min_epochs, self.factor = state["max_epochs"], state["min_epochs"], state["factor"]
        self._brackets = state["brackets"]
        self._current_bracket, self._current_iteration = state["current_bracket"], state["current_iteration"]
