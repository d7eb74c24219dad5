"""Oracles against KerasTuner 1.4.8, run without training: grid coverage and order, the Hyperband
schedule (brackets, rounds, epochs, promotions), trial ids, best-trial ordering, exhaustion."""

import pytest

from strata.tuner import HyperParameters, Objective
from strata.tuner.grid_search import GridSearchOracle
from strata.tuner.hyperband import HyperbandOracle
from strata.tuner.oracle import Oracle
from strata.tuner.tuners import BayesianOptimizationOracle

from tuner_driver import drive, fake_score


def _grid_space(hp):
    hp.Int("a", 1, 3)
    hp.Choice("c", ["x", "y"])
    hp.Float("f", 0.0, 1.0, step=0.5)


def _grid_space_unstepped(hp):
    hp.Boolean("b")
    hp.Float("g", 0.0, 1.0)
    hp.Choice("w", [16, 8, 32], default=8)


def _grid_space_conditional(hp):
    hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", ["mlp"]):
        hp.Int("units", 1, 3)
    with hp.conditional_scope("model", ["cnn"]):
        hp.Choice("filters", [8, 16])
    hp.Boolean("bn")


@pytest.mark.keras
@pytest.mark.parametrize("space", [_grid_space, _grid_space_unstepped, _grid_space_conditional])
def test_grid_order_and_coverage_match_kerastuner(kt_oracle, tmp_path, space):
    from keras_tuner.src.tuners.gridsearch import GridSearchOracle as KTGrid

    ours_hp, theirs_hp = HyperParameters(), kt_oracle.HyperParameters()
    space(ours_hp)
    space(theirs_hp)
    theirs = drive(KTGrid(objective=kt_oracle.Objective("loss", "min"), hyperparameters=theirs_hp), tmp_path / "kt")
    ours = drive(GridSearchOracle(objective="loss", hyperparameters=ours_hp), tmp_path / "st")
    assert ours == theirs
    assert len({tuple(sorted(v.items())) for _, v in ours}) == len(ours)  # no repeats
    if space is _grid_space:
        assert len(ours) == 18 and ours[0][0] == "0000"
        assert [v for _, v in ours[:4]] == [{"a": 1, "c": "x", "f": 0.0}, {"a": 1, "c": "x", "f": 0.5},
                                            {"a": 1, "c": "x", "f": 1.0}, {"a": 1, "c": "y", "f": 0.0}]


@pytest.mark.keras
def test_grid_max_trials_cuts_the_grid(kt_oracle, tmp_path):
    from keras_tuner.src.tuners.gridsearch import GridSearchOracle as KTGrid

    ours_hp, theirs_hp = HyperParameters(), kt_oracle.HyperParameters()
    _grid_space(ours_hp)
    _grid_space(theirs_hp)
    theirs = drive(KTGrid(objective=kt_oracle.Objective("loss", "min"), hyperparameters=theirs_hp, max_trials=5),
                   tmp_path / "kt")
    ours = drive(GridSearchOracle(objective="loss", hyperparameters=ours_hp, max_trials=5), tmp_path / "st")
    assert ours == theirs and [i for i, _ in ours] == ["0", "1", "2", "3", "4"]


def _schedule(trials):
    return [(tid, {k: v for k, v in values.items() if k.startswith("tuner/")}) for tid, values in trials]


@pytest.mark.keras
@pytest.mark.parametrize("max_epochs,factor,iterations,direction",
                         [(10, 3, 1, "min"), (27, 3, 1, "max"), (9, 2, 2, "min"), (5, 4, 1, "max")])
def test_hyperband_schedule_matches_kerastuner(kt_oracle, tmp_path, max_epochs, factor, iterations, direction):
    from keras_tuner.src.tuners.hyperband import HyperbandOracle as KTHyperband

    ours_hp, theirs_hp = HyperParameters(), kt_oracle.HyperParameters()
    ours_hp.Float("lr", 1e-4, 1e-1, sampling="log")
    theirs_hp.Float("lr", 1e-4, 1e-1, sampling="log")
    theirs = KTHyperband(objective=kt_oracle.Objective("loss", direction), max_epochs=max_epochs, factor=factor,
                         hyperband_iterations=iterations, hyperparameters=theirs_hp, seed=1)
    ours = HyperbandOracle(Objective("loss", direction), max_epochs=max_epochs, factor=factor,
                           hyperband_iterations=iterations, hyperparameters=ours_hp, seed=1)
    theirs_trials, ours_trials = drive(theirs, tmp_path / "kt"), drive(ours, tmp_path / "st")
    assert _schedule(ours_trials) == _schedule(theirs_trials)
    ours_values = dict(ours_trials)
    for tid, values in ours_trials:  # a promoted trial carries its source's values
        if "tuner/trial_id" in values:
            assert values["lr"] == ours_values[values["tuner/trial_id"]]["lr"]
    if (max_epochs, factor) == (10, 3):
        rounds = [(v["tuner/bracket"], v["tuner/round"], v["tuner/epochs"]) for _, v in _schedule(ours_trials)]
        assert len(rounds) == 30
        assert [rounds.count((2, r, e)) for r, e in [(0, 2), (1, 4), (2, 10)]] == [12, 4, 2]
        assert [rounds.count((1, r, e)) for r, e in [(0, 4), (1, 10)]] == [6, 2]
        assert rounds.count((0, 0, 10)) == 4


def test_hyperband_factor_error():
    with pytest.raises(ValueError, match="factor needs to be a int larger than 1. Received: factor=1"):
        HyperbandOracle("loss", max_epochs=10, factor=1)


@pytest.mark.keras
@pytest.mark.parametrize("max_trials,ids", [(3, ["0", "1", "2"]), (12, ["00", "01", "02"]), (None, None)])
def test_trial_ids_and_best_trial_ordering_match_kerastuner(kt_oracle, tmp_path, max_trials, ids):
    from keras_tuner.src.tuners.randomsearch import RandomSearchOracle

    for direction in ("min", "max"):
        theirs_hp, ours_hp = kt_oracle.HyperParameters(), HyperParameters()
        theirs_hp.Float("x", 0.0, 1.0)
        ours_hp.Float("x", 0.0, 1.0)
        limit = 3 if max_trials is None else 500
        theirs = RandomSearchOracle(kt_oracle.Objective("loss", direction), max_trials=max_trials,
                                    hyperparameters=theirs_hp, seed=0)
        ours = Oracle(Objective("loss", direction), max_trials=max_trials, hyperparameters=ours_hp, seed=0)
        theirs_ids = [t for t, _ in drive(theirs, tmp_path / f"kt{direction}", limit=limit)]
        ours_ids = [t for t, _ in drive(ours, tmp_path / f"st{direction}", limit=limit)]
        assert ours_ids == theirs_ids
        if ids:
            assert ours_ids[:3] == ids
        best = [t.trial_id for t in ours.get_best_trials(5)]
        assert best == [t.trial_id for t in theirs.get_best_trials(5)]
        scores = [fake_score(t) for t in best]
        assert scores == sorted(scores, reverse=direction == "max")


def test_random_search_stops_when_the_space_is_exhausted(tmp_path):
    hp = HyperParameters()
    hp.Int("a", 1, 3)
    hp.Boolean("b")
    trials = drive(Oracle("loss", max_trials=50, hyperparameters=hp, seed=3), tmp_path)
    assert sorted((v["a"], v["b"]) for _, v in trials) == [(a, b) for a in (1, 2, 3) for b in (False, True)]


def test_random_values_are_legal_and_seeded(tmp_path):
    def space():
        hp = HyperParameters()
        hp.Int("units", 4, 32, step=4)
        hp.Float("lr", 1e-3, 1e-1, sampling="log")
        hp.Choice("act", ["relu", "tanh"])
        return hp

    first = drive(Oracle("loss", max_trials=20, hyperparameters=space(), seed=5), tmp_path / "a")
    second = drive(Oracle("loss", max_trials=20, hyperparameters=space(), seed=5), tmp_path / "b")
    other = drive(Oracle("loss", max_trials=20, hyperparameters=space(), seed=6), tmp_path / "c")
    assert first == second and first != other
    for _, v in first:
        assert v["units"] in range(4, 33, 4) and 1e-3 <= v["lr"] <= 1e-1 and v["act"] in ("relu", "tanh")


def test_bayesian_oracle_starts_random_then_uses_tpe(tmp_path):
    hp = HyperParameters()
    hp.Float("x", -5.0, 5.0)
    oracle = BayesianOptimizationOracle("loss", max_trials=25, hyperparameters=hp, seed=0)
    trials = drive(oracle, tmp_path, score=lambda tid: 0.0)
    assert len(trials) == 25
    assert type(oracle.study.sampler).__name__ == "TPESampler"
    assert oracle.study.sampler._n_startup_trials == 3  # max(3 * 1 hyperparameter, 3)
    # TPE concentrates near the optimum of (x - 2)^2 once it has scores
    hp2 = HyperParameters()
    hp2.Float("x", -5.0, 5.0)
    tpe = BayesianOptimizationOracle("loss", max_trials=40, hyperparameters=hp2, seed=0, num_initial_points=5)
    tpe.project_dir = str(tmp_path / "tpe")
    tpe._display.verbose = 0
    xs = []
    for _ in range(40):
        trial = tpe.create_trial("tuner0")
        x = trial.hyperparameters.values["x"]
        xs.append(x)
        tpe.update_trial(trial.trial_id, {"loss": (x - 2.0) ** 2})
        trial.status = "COMPLETED"
        tpe.end_trial(trial)
    assert sum(abs(x - 2.0) < 1.0 for x in xs[-15:]) >= 6  # uniform draws would give about 3
    with pytest.raises(ValueError, match="`num_initial_points` must be at least 1. Received: num_initial_points=0"):
        BayesianOptimizationOracle("loss", num_initial_points=0)
