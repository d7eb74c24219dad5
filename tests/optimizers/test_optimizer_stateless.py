"""`stateless_apply` is pure and traceable: under jax.jit it gives what eager `apply` gives."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import strata.optimizers as so
from optimizer_test_utils import make_arrays, strata_variables

# Compiled and eager float32 arithmetic may differ by XLA fusion (about one ulp per step).
RTOL, ATOL = 1e-6, 1e-7


def _eager_and_compiled(optimizer_factory, steps=3):
    weights, grads = make_arrays(steps)
    eager_vars = strata_variables(weights)
    eager_opt = optimizer_factory()
    for step_grads in grads:
        eager_opt.apply([jnp.asarray(g) for g in step_grads], eager_vars)

    jit_vars = strata_variables(weights)
    jit_opt = optimizer_factory()
    jit_opt.build(jit_vars)
    opt_values = [v.value for v in jit_opt.variables]
    params = [v.value for v in jit_vars]
    step = jax.jit(jit_opt.stateless_apply)
    for step_grads in grads:
        params, opt_values = step(opt_values, [jnp.asarray(g) for g in step_grads], params)
    return (eager_opt, eager_vars), (jit_opt, params, opt_values)


@pytest.mark.parametrize("factory", [
    lambda: so.SGD(0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda: so.Adam(0.01, amsgrad=True, clipnorm=1.0),
    lambda: so.AdamW(0.01, global_clipnorm=1.0),
    lambda: so.RMSprop(0.01, momentum=0.5, centered=True),
    lambda: so.Adagrad(0.1, clipvalue=0.5),
    lambda: so.Adamax(0.01, loss_scale_factor=4.0),
    lambda: so.Nadam(so.schedules.ExponentialDecay(0.01, 2, 0.5)),
    lambda: so.Adam(0.1, use_ema=True, ema_overwrite_frequency=2, gradient_accumulation_steps=2),
], ids=["sgd", "adam", "adamw", "rmsprop", "adagrad", "adamax", "nadam", "ema+accumulation"])
def test_jitted_stateless_apply_equals_eager_apply(factory):
    (eager_opt, eager_vars), (jit_opt, params, opt_values) = _eager_and_compiled(factory, steps=4)
    for variable, value in zip(eager_vars, params):
        np.testing.assert_allclose(np.asarray(value), variable.numpy(), rtol=RTOL, atol=ATOL)
    assert len(opt_values) == len(eager_opt.variables)
    for variable, value in zip(eager_opt.variables, opt_values):
        assert value.dtype == variable.value.dtype and value.shape == variable.value.shape
        np.testing.assert_allclose(np.asarray(value), variable.numpy(), rtol=RTOL, atol=ATOL)


def test_stateless_apply_mutates_nothing():
    weights, grads = make_arrays(1)
    variables = strata_variables(weights)
    opt = so.Nadam(0.1, use_ema=True)
    opt.build(variables)
    before = [v.numpy().copy() for v in opt.variables + variables]
    params, values = opt.stateless_apply([v.value for v in opt.variables], [jnp.asarray(g) for g in grads[0]],
                                         [v.value for v in variables])
    after = [v.numpy() for v in opt.variables + variables]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert int(values[0]) == 1 and int(opt.iterations.numpy()) == 0
    assert not np.allclose(np.asarray(params[0]), weights[0])


def test_jit_with_donated_state_and_schedule_reads_traced_iteration():
    weights, grads = make_arrays(3)
    variables = strata_variables(weights)
    schedule = so.schedules.PiecewiseConstantDecay([1], [1.0, 0.0])  # only the first two steps move
    opt = so.SGD(schedule)
    opt.build(variables)
    step = jax.jit(opt.stateless_apply, donate_argnums=(0, 2))
    params, values = [v.value + 0 for v in variables], [v.value + 0 for v in opt.variables]
    for step_grads in grads:
        params, values = step(values, [jnp.asarray(g) for g in step_grads], params)
    expected = weights[0] - grads[0][0] - grads[1][0]
    np.testing.assert_allclose(np.asarray(params[0]), expected, rtol=1e-6)
    assert int(values[0]) == 3


def test_none_gradient_leaves_variable_and_slots_alone():
    weights, grads = make_arrays(1)
    variables = strata_variables(weights)
    opt = so.Adam(0.1)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['seq/dense/bias'\]"):
        opt.apply([jnp.asarray(grads[0][0]), None], variables)
    np.testing.assert_array_equal(variables[1].numpy(), weights[1])
    assert not np.allclose(variables[0].numpy(), weights[0])
    bias_momentum = opt.variables[4]
    assert bias_momentum.name == "seq_dense_bias_momentum" and not bias_momentum.numpy().any()
    assert int(opt.iterations.numpy()) == 1


def test_apply_gradients_and_apply_without_variables():
    weights, grads = make_arrays(2)
    variables = strata_variables(weights)
    opt = so.SGD(0.5)
    iterations = opt.apply_gradients(zip([jnp.asarray(g) for g in grads[0]], variables))
    assert iterations is opt.iterations and int(iterations.numpy()) == 1
    opt.apply([jnp.asarray(g) for g in grads[1]])  # the built variable list is the default
    np.testing.assert_allclose(variables[0].numpy(), weights[0] - 0.5 * (grads[0][0] + grads[1][0]), rtol=1e-6)


def test_learning_rate_property():
    opt = so.Adam(0.01)
    assert opt.learning_rate is opt.variables[1] and opt.variables[1].path == "adam/learning_rate"
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5 and opt.get_config()["learning_rate"] == 0.5
    scheduled = so.SGD(so.schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5))
    assert [v.name for v in scheduled.variables] == ["iteration"]
    scheduled.iterations.assign(3)
    assert float(scheduled.learning_rate) == 0.125
    from_callable = so.SGD(lambda: 0.25)
    assert float(from_callable.learning_rate) == 0.25


def test_ema_finalize_overwrites_with_average():
    weights, grads = make_arrays(3)
    variables = strata_variables(weights)
    opt = so.SGD(0.1, use_ema=True, ema_momentum=0.5)
    for step_grads in grads:
        opt.apply([jnp.asarray(g) for g in step_grads], variables)
    average = opt.variables[2]
    assert average.name == "seq_dense_kernel_average"
    opt.finalize_variable_values(variables)
    np.testing.assert_array_equal(variables[0].numpy(), average.numpy())


def test_save_and_load_own_variables_round_trip():
    weights, grads = make_arrays(1)
    opt = so.Adam(0.1)
    opt.apply([jnp.asarray(g) for g in grads[0]], strata_variables(weights))
    store: dict = {}
    opt.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(6)]
    fresh = so.Adam(0.1)
    fresh.build(strata_variables(weights))
    fresh.load_own_variables(store)
    for a, b in zip(opt.variables, fresh.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
