"""``Trial``: one set of hyperparameter values, what training reported for it, and its score.

A trial's metrics keep, per metric name, observations ``{"value": [v], "step": epoch}`` as in
KerasTuner's ``trial.json``; the score is the objective's value at the best epoch.  Trials are saved
as JSON (never pickled) under ``<project>/trial_<id>/trial.json``.

Example:
    >>> from strata.tuner.trial import Trial
    >>> from strata.tuner import HyperParameters
    >>> t = Trial(HyperParameters(), trial_id="0")
    >>> t.metrics.update("val_loss", 0.5, step=3)
    >>> t.metrics.get_best_value("val_loss")
    0.5
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from strata.tuner.hyperparameters import HyperParameters


class TrialStatus:
    RUNNING = "RUNNING"
    IDLE = "IDLE"
    INVALID = "INVALID"
    STOPPED = "STOPPED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class MetricsTracker:
    """Per metric: a direction and observations by step."""

    def __init__(self) -> None:
        self.metrics: dict[str, dict] = {}

    def register(self, name: str, direction: str | None = None) -> None:
        self.metrics.setdefault(name, {"direction": direction, "observations": []})

    def exists(self, name: str) -> bool:
        return name in self.metrics

    def update(self, name: str, value: float, step: int = 0) -> None:
        self.register(name)
        observations = self.metrics[name]["observations"]
        observations[:] = [o for o in observations if o["step"] != step]
        observations.append({"value": [float(value)], "step": step})

    def _values(self, name: str) -> list[tuple[int, float]]:
        if name not in self.metrics:
            raise ValueError(f"Metric {name!r} was not reported. Reported metrics: {list(self.metrics)}.")
        return [(o["step"], sum(o["value"]) / len(o["value"])) for o in self.metrics[name]["observations"]]

    def get_best_value(self, name: str) -> float | None:
        values = [v for _, v in self._values(name) if v == v]
        if not values:
            return None
        return max(values) if self.metrics[name]["direction"] == "max" else min(values)

    def get_last_value(self, name: str) -> float | None:
        values = sorted(self._values(name))
        return values[-1][1] if values else None

    def get_config(self) -> dict:
        return {"metrics": json.loads(json.dumps(self.metrics))}

    @classmethod
    def from_config(cls, config: dict) -> "MetricsTracker":
        tracker = cls()
        tracker.metrics = config["metrics"]
        return tracker


class Trial:
    """A set of values (``hyperparameters``), its ``metrics``, ``score``, ``best_step`` and ``status``."""

    def __init__(self, hyperparameters: HyperParameters, trial_id: str | None = None,
                 status: str = TrialStatus.RUNNING, message: str | None = None) -> None:
        self.hyperparameters = hyperparameters
        self.trial_id = trial_id
        self.metrics = MetricsTracker()
        self.score: float | None = None
        self.best_step: int | None = None
        self.status = status
        self.message = message

    def __repr__(self) -> str:
        return f"Trial(trial_id={self.trial_id!r}, status={self.status!r}, score={self.score})"

    def get_state(self) -> dict:
        return {"trial_id": self.trial_id, "metrics": self.metrics.get_config(),
                "hyperparameters": self.hyperparameters.get_config(), "score": self.score,
                "best_step": self.best_step, "status": self.status, "message": self.message}

    @classmethod
    def from_state(cls, state: dict) -> "Trial":
        trial = cls(HyperParameters.from_config(state["hyperparameters"]), state["trial_id"], state["status"],
                    state.get("message"))
        trial.metrics = MetricsTracker.from_config(state["metrics"])
        trial.score, trial.best_step = state["score"], state["best_step"]
        return trial

    def save(self, path: str) -> None:
        write_json(path, self.get_state())

    @classmethod
    def load(cls, path: str) -> "Trial":
        with open(path, encoding="utf-8") as f:
            return cls.from_state(json.load(f))


def write_json(path: str, data: Any) -> None:
    """Write ``data`` as JSON atomically (a temporary file in the same folder, renamed into place)."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(data, f, default=_plain)
    os.replace(tmp, path)


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"Cannot write {type(value).__name__} to the tuner's JSON files: {value!r}.")
