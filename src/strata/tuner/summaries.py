"""``search_space_summary`` and ``results_summary``: the text KerasTuner prints, line for line.

Example:
    >>> from strata.tuner import HyperParameters
    >>> from strata.tuner.summaries import print_search_space
    >>> hp = HyperParameters()
    >>> _ = hp.Boolean("extra")
    >>> print_search_space(hp)
    Search space summary
    Default search space size: 1
    extra (Boolean)
    {'default': False, 'conditions': []}
"""

from __future__ import annotations

from typing import Any


def print_search_space(hyperparameters: Any) -> None:
    print("Search space summary")
    print(f"Default search space size: {len(hyperparameters.space)}")
    for hp in hyperparameters.space:
        config = hp.get_config()
        config.pop("name", None)
        print(f"{hp.name} ({type(hp).__name__})")
        print(config)


def print_results(project_dir: str, objective: Any, trials: list, num_trials: int) -> None:
    print("Results summary")
    print(f"Results in {project_dir}")
    print(f"Showing {num_trials} best trials")  # the number asked for, as KerasTuner prints
    print(objective)
    for trial in trials:
        print()
        print(f"Trial {trial.trial_id} summary")
        print("Hyperparameters:")
        for name, value in trial.hyperparameters.values.items():
            print(f"{name}: {value}")
        if not trial.hyperparameters.values:
            print("default configuration")
        if trial.score is not None:
            print(f"Score: {trial.score}")
        if trial.message is not None:
            print(trial.message)
