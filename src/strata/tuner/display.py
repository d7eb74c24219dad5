"""What a search prints, line for line as KerasTuner prints it.

Before each trial: ``Search: Running Trial #N`` and a table of the trial's values beside the best
trial's (cells 18 wide, numbers as ``{:.5g}``, long text cut to 15 characters and ``...``).  After
it: ``Trial N Complete [00h 00m 02s]``, the objective's value, the best so far and the elapsed time.
``verbose=0`` prints nothing.

Example:
    >>> from strata.tuner.display import format_duration, format_value
    >>> format_duration(3725.4), format_value(0.000284061070)
    ('01h 02m 05s', '0.00028406')
"""

from __future__ import annotations

import datetime
from typing import Any

COLUMN = 18


def format_value(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.5g}"
    text = str(value)
    return text if len(text) <= COLUMN else f"{text[:COLUMN - 3]}..."


def format_duration(seconds: float) -> str:
    s = round(seconds)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    text = f"{hours:02d}h {minutes:02d}m {s:02d}s"
    return f"{days:d}d {text}" if days > 0 else text


class Display:
    """Prints a search's progress for one oracle; its times and numbers are saved with the oracle."""

    def __init__(self, oracle: Any, verbose: int = 1) -> None:
        self.oracle = oracle
        self.verbose = verbose
        self.search_start: datetime.datetime | None = None
        self.trial_start: dict[str, datetime.datetime] = {}
        self.trial_number: dict[str, int] = {}

    def get_state(self) -> dict:
        return {"search_start": self.search_start.isoformat() if self.search_start else None,
                "trial_start": {k: v.isoformat() for k, v in self.trial_start.items()},
                "trial_number": dict(self.trial_number)}

    def set_state(self, state: dict) -> None:
        start = state.get("search_start")
        self.search_start = datetime.datetime.fromisoformat(start) if start else None
        self.trial_start = {k: datetime.datetime.fromisoformat(v) for k, v in state.get("trial_start", {}).items()}
        self.trial_number = dict(state.get("trial_number", {}))

    def on_trial_begin(self, trial: Any) -> None:
        if self.verbose < 1:
            return
        now = datetime.datetime.now()
        self.trial_start[trial.trial_id] = now
        self.search_start = self.search_start or now
        self.trial_number[trial.trial_id] = len(self.oracle.trials)
        print()
        print(f"Search: Running Trial #{len(self.oracle.trials)}")
        print()
        self.show_hyperparameter_table(trial)
        print()

    def show_hyperparameter_table(self, trial: Any) -> None:
        best = self.oracle.get_best_trials()
        best = best[0] if best else None
        if not trial.hyperparameters.values:
            print("default configuration")
            return
        row = f"{{0:{COLUMN}}}|{{1:{COLUMN}}}|{{2}}"
        print(row.format("Value", "Best Value So Far", "Hyperparameter"))
        for name, value in trial.hyperparameters.values.items():
            best_value = best.hyperparameters.values.get(name) if best else "?"
            print(row.format(format_value(value), format_value(best_value), name))

    def on_trial_end(self, trial: Any) -> None:
        if self.verbose < 1:
            return
        now = datetime.datetime.now()
        taken = (now - self.trial_start.get(trial.trial_id, now)).total_seconds()
        print(f"Trial {self.trial_number.get(trial.trial_id, '?')} Complete [{format_duration(taken)}]")
        name = self.oracle.objective.name
        if trial.score is not None:
            print(f"{name}: {trial.score}")
        print()
        best = self.oracle.get_best_trials()
        print(f"Best {name} So Far: {best[0].score if best else None}")
        print(f"Total elapsed time: {format_duration((now - (self.search_start or now)).total_seconds())}")
