"""HyperParameters against KerasTuner 1.4.8: configs, defaults, grids, scopes, errors, legal draws."""

import math

import optuna
import pytest

from strata.tuner import HyperParameters

SPACES = [
    ("Int", ("units", 4, 32), {"step": 4}),
    ("Int", ("units", 1, 5), {}),
    ("Int", ("units", 2, 64), {"step": 2, "sampling": "log"}),
    ("Int", ("units", 1, 100), {"sampling": "log"}),
    ("Int", ("units", 3, 17), {"step": 5, "default": 8}),
    ("Float", ("lr", 1e-4, 1e-1), {"sampling": "log"}),
    ("Float", ("rate", 0.0, 0.5), {"step": 0.1}),
    ("Float", ("rate", 0.0, 1.0), {}),
    ("Float", ("r", 0.1, 1000.0), {"step": 10, "sampling": "log"}),
    ("Float", ("r", 0.01, 1.0), {"sampling": "reverse_log"}),
    ("Float", ("r", 1.0, 81.0), {"step": 3, "sampling": "reverse_log"}),
    ("Choice", ("act", ["relu", "tanh"]), {}),
    ("Choice", ("width", [8, 16, 32]), {"default": 16}),
    ("Boolean", ("extra",), {}),
    ("Fixed", ("seed", 7), {}),
]


def _register(hp, kind, args, kwargs):
    return getattr(hp, kind)(*args, **kwargs)


@pytest.mark.keras
@pytest.mark.parametrize("kind,args,kwargs", SPACES)
def test_config_default_and_grid_match_kerastuner(kt_oracle, kind, args, kwargs):
    ours, theirs = HyperParameters(), kt_oracle.HyperParameters()
    assert _register(ours, kind, args, kwargs) == _register(theirs, kind, args, kwargs)
    assert ours.space[0].get_config() == theirs.space[0].get_config()
    assert list(ours.space[0].values) == list(theirs.space[0].values)
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("kind,args,kwargs", SPACES)
def test_every_drawn_value_is_legal(kind, args, kwargs):
    hp = HyperParameters()
    _register(hp, kind, args, kwargs)
    space = hp.space[0]
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    drawn = [space.suggest(study.ask()) for _ in range(200)]
    if kind in ("Choice", "Boolean", "Fixed") or space.step is not None:
        grid = list(space.values)
        assert all(any(math.isclose(v, g, rel_tol=1e-9, abs_tol=1e-12) if isinstance(v, float) else v == g
                       for g in grid) for v in drawn)
        assert len({round(v, 9) if isinstance(v, float) else v for v in drawn}) == len(set(grid))  # all reached
    else:
        assert all(space.min_value <= v <= space.max_value for v in drawn)
        assert isinstance(drawn[0], int if kind == "Int" else float)
    if kind == "Float" and space.sampling == "log" and space.step is None:
        assert sum(v < 1e-2 for v in drawn) > 100  # two of three decades lie below 1e-2


def test_draws_replay_into_optuna_as_the_same_values():
    hp = HyperParameters()
    for kind, args, kwargs in SPACES:
        name = f"{args[0]}_{len(hp.space)}"
        _register(hp, kind, (name,) + args[1:], kwargs)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(20):
        trial = study.ask()
        for space in hp.space:
            value = space.suggest(trial)
            dist, internal = space.to_optuna(value)
            if dist is not None:
                assert dist._contains(dist.to_internal_repr(internal))


@pytest.mark.keras
def test_conditional_scope_and_name_scope_match_kerastuner(kt_oracle):
    def build(hp):
        kind = hp.Choice("model", ["mlp", "cnn"])
        with hp.conditional_scope("model", ["cnn"]):
            filters = hp.Int("filters", 8, 32, step=8)
        units = hp.Int("units", 1, 4, parent_name="model", parent_values="mlp")
        with hp.name_scope("block"):
            hp.Boolean("bn")
        return kind, filters, units

    ours, theirs = HyperParameters(), kt_oracle.HyperParameters()
    assert build(ours) == build(theirs) == ("mlp", None, 1)
    assert ours.get_config() == theirs.get_config()
    for hps in (ours, theirs):
        hps.values.update(model="cnn", filters=16)
        hps.ensure_active_values()
    assert build(ours) == build(theirs) == ("cnn", 16, None)
    assert ours.is_active("filters") and not ours.is_active("units") and ours.get("block/bn") is False
    with pytest.raises(ValueError, match="units is currently inactive"):
        ours.get("units")
    with pytest.raises(KeyError, match="nope does not exist"):
        ours["nope"]
    assert "filters" in ours and "units" not in ours


def test_values_set_by_a_tuner_are_returned():
    hp = HyperParameters()
    hp.values.update(units=12, lr=0.01)
    assert hp.Int("units", 4, 32, step=4) == 12
    assert hp.Float("lr", 1e-3, 1e-1, sampling="log") == 0.01
    copied = hp.copy()
    assert copied.values == hp.values and copied.get_config() == hp.get_config()


@pytest.mark.keras
@pytest.mark.parametrize("call,match", [
    (lambda hp: hp.Float("lg", 0.0, 1.0, sampling="log"),
     r"For HyperParameters.Float\(name='lg'\), sampling='log' does not support negative values, found min_value: 0.0."),
    (lambda hp: hp.Int("u", 5, 1),
     r"For HyperParameters.Int\(name='u'\), min_value 5 is greater than the max_value 1."),
    (lambda hp: hp.Float("f", 1.0, 10.0, step=1, sampling="log"),
     r"For HyperParameters.Float\(name='f'\), expected step > 1 with sampling='log'. Received: step=1."),
    (lambda hp: hp.Float("f", 0.0, 1.0, sampling="cubic"), r"sampling"),
])
def test_errors_match_kerastuner(kt_oracle, call, match):
    with pytest.raises(ValueError, match=match):
        call(kt_oracle.HyperParameters())
    with pytest.raises(ValueError, match=match):
        call(HyperParameters())


def test_other_errors_name_the_argument():
    hp = HyperParameters()
    with pytest.raises(TypeError, match="A `Choice` can contain only one type of value"):
        hp.Choice("c", [1, "a"])
    with pytest.raises(ValueError, match="`min_value` must be an int. Received: min_value='1'"):
        hp.Int("i", "1", 3)
    with pytest.raises(ValueError, match="`HyperParameter` named: parent not defined"):
        with hp.conditional_scope("parent", [1]):
            pass
    with pytest.raises(ValueError, match="the default value should be one of the choices"):
        hp.Choice("d", [1, 2], default=3)
