"""Runs an oracle's trial life cycle without training (KerasTuner's or strata's), scoring trials by id."""

from __future__ import annotations


def fake_score(trial_id: str) -> float:
    """A deterministic score of a trial id with no ties (so promotions and rankings are comparable)."""
    return float((int(trial_id) * 37 + 11) % 101)


def drive(oracle, project_dir, limit=500, metric="loss", score=fake_score):
    """Run ``oracle``'s trials to the end, reporting ``score(trial_id)``; the list of (id, values)."""
    if hasattr(oracle, "_set_project_dir"):  # KerasTuner
        oracle._set_project_dir(str(project_dir), "p")
        oracle.verbose = 0
    else:
        oracle.project_dir = str(project_dir)
        oracle._display.verbose = 0
    seen = []
    for _ in range(limit):
        trial = oracle.create_trial("tuner0")
        if trial.status != "RUNNING":
            break
        seen.append((trial.trial_id, dict(trial.hyperparameters.values)))
        oracle.update_trial(trial.trial_id, {metric: score(trial.trial_id)}, step=0)
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return seen
