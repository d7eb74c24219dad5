"""Learning-rate schedules give Keras's values (rtol 1e-6) and serialize in Keras's shape."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata.optimizers import schedules

STEPS = [0, 1, 5, 9, 10, 11, 17, 30, 101]

CASES = [
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)),
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.9, staircase=True)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5, staircase=True)),
    ("PiecewiseConstantDecay", dict(boundaries=[5, 10, 30], values=[1.0, 0.5, 0.1, 0.01])),
    ("PiecewiseConstantDecay", dict(boundaries=[10], values=[0.3, 0.2])),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20, end_learning_rate=0.01,
                             power=0.5, cycle=True)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=20)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=20, alpha=0.1)),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=20, warmup_target=0.1, warmup_steps=10)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=8)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=8, t_mul=1.0,
                                 m_mul=0.5, alpha=0.05)),
]


@pytest.mark.keras
@pytest.mark.parametrize("class_name, kwargs", CASES)
def test_values_match_keras(keras, class_name, kwargs):
    ours = getattr(schedules, class_name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, class_name)(**kwargs)
    for step in STEPS:
        expected = np.asarray(theirs(jnp.asarray(step, "int32")))
        got = np.asarray(ours(jnp.asarray(step, "int32")))
        assert got.dtype == expected.dtype, (step, got.dtype)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=0, err_msg=f"step {step}")
    assert schedules.serialize(ours) == keras.optimizers.schedules.serialize(theirs)


@pytest.mark.parametrize("class_name, kwargs", CASES)
def test_jittable_and_round_trips(class_name, kwargs):
    schedule = getattr(schedules, class_name)(**kwargs)
    eager = [float(schedule(jnp.asarray(s, "int32"))) for s in STEPS]
    compiled = jax.jit(schedule)
    # XLA may turn x / const into x * (1 / const) with a fused multiply-add: ~1 ulp of the rate.
    compiled_values = [float(compiled(jnp.asarray(s, "int32"))) for s in STEPS]
    np.testing.assert_allclose(compiled_values, eager, rtol=1e-6, atol=1e-8)
    clone = schedules.deserialize(schedules.serialize(schedule))
    assert type(clone) is type(schedule) and clone.get_config() == schedule.get_config()


def test_deserialize_legacy_form_and_get():
    clone = schedules.deserialize({"class_name": "ExponentialDecay",
                                   "config": {"initial_learning_rate": 1.0, "decay_steps": 2, "decay_rate": 0.5}})
    assert float(clone(4)) == 0.25
    assert schedules.get(clone) is clone
    assert isinstance(schedules.get(schedules.serialize(clone)), schedules.ExponentialDecay)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"`decay_steps` must be > 0. Received: decay_steps=0"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match=r"`first_decay_steps` must be > 0"):
        schedules.CosineDecayRestarts(0.1, first_decay_steps=-1)
    with pytest.raises(ValueError, match=r"length of `boundaries` must be one less.*length 2"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"Unknown learning rate schedule: 'Nope'"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(NotImplementedError, match="must override `__call__"):
        schedules.LearningRateSchedule()(0)
