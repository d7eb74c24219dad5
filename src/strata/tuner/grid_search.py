"""The grid oracle: every combination of the space, in KerasTuner's order.

The first trial takes every default.  Each next trial counts like an odometer over the space in
registration order, the *last* hyperparameter turning fastest; a hyperparameter's values are its
default first, then the others in their listed order (a Float without a step offers ten evenly
spread values).  Inactive conditional hyperparameters are skipped and reset, so a conditional
space is covered without repeats.  Optuna's ``GridSampler`` visits the grid in a random order,
which would break KerasTuner's, so the order is counted here and each combination is recorded in
the Optuna study as a fixed trial.
"""

from __future__ import annotations

from typing import Any

from strata.tuner.hyperparameters import HyperParameters
from strata.tuner.oracle import Oracle
from strata.tuner.trial import TrialStatus


def ordered_values(hp: Any) -> list:
    """``hp``'s grid values, default first."""
    values = list(hp.values)
    if hp.default in values:
        values.remove(hp.default)
    return [hp.default] + values


class GridSearchOracle(Oracle):
    """Walks the grid; ``max_trials=None`` runs all of it."""

    def populate_space(self, trial_id: str) -> dict:
        if not self.start_order:
            hps = self.hyperparameters.copy()
            hps.values = {}
            hps.ensure_active_values()
            return {"status": TrialStatus.RUNNING, "values": hps.values}
        last = self.trials[self.start_order[-1]].hyperparameters.values
        following = self.next_combination(last)
        while following is not None and self._seen(following):
            following = self.next_combination(following)
        if following is None:
            return {"status": TrialStatus.STOPPED, "values": None}
        return {"status": TrialStatus.RUNNING, "values": following}

    def _seen(self, values: dict) -> bool:
        from strata.tuner.oracle import values_hash

        return values_hash(values) in self._tried_so_far

    def next_combination(self, values: dict) -> dict | None:
        """The combination after ``values``, or ``None`` after the last one."""
        space = self.hyperparameters.space
        hps = HyperParameters()
        hps.merge(space)
        hps.values = {k: v for k, v in values.items() if not k.startswith("tuner/")}
        hps.ensure_active_values()
        for hp in reversed(space):
            if hps.is_active(hp):
                options = ordered_values(hp)
                current = hps.values[hp.name]
                if current != options[-1]:
                    hps.values[hp.name] = options[options.index(current) + 1]
                    hps.ensure_active_values()
                    return dict(hps.values)
            hps.values[hp.name] = hp.default
        return None
