"""The four tuners, each a :class:`Tuner` with its oracle, under KerasTuner's names and signatures.

* ``RandomSearch``: values drawn by Optuna's ``RandomSampler`` (seeded).
* ``GridSearch``: every combination, in KerasTuner's order (:mod:`grid_search`).
* ``BayesianOptimization``: ``num_initial_points`` random trials (default ``max(3 * space size, 3)``),
  then Optuna's TPE sampler proposes values from the scores so far.  KerasTuner fits a Gaussian
  process with an upper-confidence-bound acquisition; ``alpha`` and ``beta`` are its parameters and
  are accepted and recorded but do not steer TPE.
* ``Hyperband``: KerasTuner's bracket schedule (:mod:`hyperband`).

Every tuner also takes :class:`Tuner`'s keyword arguments, strata's ``share_programs`` and
``parallel_trials`` included (``parallel_trials=8``: up to 8 trials train at once, those of one
architecture in one vmapped program; see :mod:`parallel_search` for how each oracle fills a round).

Example:
    >>> from strata import layers, models
    >>> from strata import tuner as kt
    >>> def build(hp):
    ...     model = models.Sequential([layers.Input((2,)), layers.Dense(hp.Int("units", 1, 3))])
    ...     model.compile(loss="mse")
    ...     return model
    >>> t = kt.GridSearch(build, objective="loss", project_name="doc", overwrite=True)
    >>> t.oracle.hyperparameters.space[0].name
    'units'
"""

from __future__ import annotations

from typing import Any

from strata.tuner.grid_search import GridSearchOracle
from strata.tuner.hyperband import HyperbandOracle
from strata.tuner.oracle import Oracle
from strata.tuner.tuner import Tuner


def _oracle_kwargs(hyperparameters: Any, tune_new_entries: bool, allow_new_entries: bool,
                   max_retries_per_trial: int, max_consecutive_failed_trials: int) -> dict:
    return {"hyperparameters": hyperparameters, "tune_new_entries": tune_new_entries,
            "allow_new_entries": allow_new_entries, "max_retries_per_trial": max_retries_per_trial,
            "max_consecutive_failed_trials": max_consecutive_failed_trials}


class RandomSearch(Tuner):
    """Random search over the space, ``max_trials`` trials (fewer when the space is exhausted)."""

    def __init__(self, hypermodel: Any = None, objective: Any = None, max_trials: int = 10, seed: int | None = None,
                 hyperparameters: Any = None, tune_new_entries: bool = True, allow_new_entries: bool = True,
                 max_retries_per_trial: int = 0, max_consecutive_failed_trials: int = 3, **kwargs: Any) -> None:
        oracle = Oracle(objective, max_trials=max_trials, seed=seed, **_oracle_kwargs(
            hyperparameters, tune_new_entries, allow_new_entries, max_retries_per_trial,
            max_consecutive_failed_trials))
        super().__init__(oracle, hypermodel, **kwargs)


class GridSearch(Tuner):
    """Every combination of the space (``max_trials=None``: the whole grid)."""

    def __init__(self, hypermodel: Any = None, objective: Any = None, max_trials: int | None = None,
                 seed: int | None = None, hyperparameters: Any = None, tune_new_entries: bool = True,
                 allow_new_entries: bool = True, max_retries_per_trial: int = 0,
                 max_consecutive_failed_trials: int = 3, **kwargs: Any) -> None:
        oracle = GridSearchOracle(objective, max_trials=max_trials, seed=seed, **_oracle_kwargs(
            hyperparameters, tune_new_entries, allow_new_entries, max_retries_per_trial,
            max_consecutive_failed_trials))
        super().__init__(oracle, hypermodel, **kwargs)


class BayesianOptimizationOracle(Oracle):
    """Random starts, then Optuna's TPE sampler."""

    def __init__(self, objective: Any = None, max_trials: int = 10, num_initial_points: int | None = None,
                 alpha: float = 1e-4, beta: float = 2.6, **kwargs: Any) -> None:
        super().__init__(objective, max_trials=max_trials, **kwargs)
        if num_initial_points is not None and num_initial_points < 1:
            raise ValueError(f"`num_initial_points` must be at least 1. Received: num_initial_points="
                             f"{num_initial_points}.")
        self.num_initial_points, self.alpha, self.beta = num_initial_points, alpha, beta

    def make_sampler(self) -> Any:
        import optuna

        startup = self.num_initial_points or max(3 * len(self.hyperparameters.space), 3)
        return optuna.samplers.TPESampler(n_startup_trials=startup, seed=self.seed + len(self.trials))


class BayesianOptimization(Tuner):
    """Model-based search: ``num_initial_points`` random trials, then values proposed from the scores."""

    def __init__(self, hypermodel: Any = None, objective: Any = None, max_trials: int = 10,
                 num_initial_points: int | None = None, alpha: float = 1e-4, beta: float = 2.6,
                 seed: int | None = None, hyperparameters: Any = None, tune_new_entries: bool = True,
                 allow_new_entries: bool = True, max_retries_per_trial: int = 0,
                 max_consecutive_failed_trials: int = 3, **kwargs: Any) -> None:
        oracle = BayesianOptimizationOracle(objective, max_trials=max_trials, num_initial_points=num_initial_points,
                                            alpha=alpha, beta=beta, seed=seed, **_oracle_kwargs(
                                                hyperparameters, tune_new_entries, allow_new_entries,
                                                max_retries_per_trial, max_consecutive_failed_trials))
        super().__init__(oracle, hypermodel, **kwargs)


class Hyperband(Tuner):
    """Hyperband: many short trials, the best continued for longer (``max_trials`` does not apply)."""

    def __init__(self, hypermodel: Any = None, objective: Any = None, max_epochs: int = 100, factor: int = 3,
                 hyperband_iterations: int = 1, seed: int | None = None, hyperparameters: Any = None,
                 tune_new_entries: bool = True, allow_new_entries: bool = True, max_retries_per_trial: int = 0,
                 max_consecutive_failed_trials: int = 3, **kwargs: Any) -> None:
        oracle = HyperbandOracle(objective, max_epochs=max_epochs, factor=factor,
                                 hyperband_iterations=hyperband_iterations, seed=seed, **_oracle_kwargs(
                                     hyperparameters, tune_new_entries, allow_new_entries, max_retries_per_trial,
                                     max_consecutive_failed_trials))
        super().__init__(oracle, hypermodel, **kwargs)
