"""Optimizer updates match real Keras 3 (KERAS_NOTES §9 row 6).

The same fixed gradients are applied for several steps to identical variables in both libraries;
weights, every optimizer variable (value, name, path, order) and the iteration count must agree.
Tolerance: atol 1e-7 in float32 (Keras observed ≤ 3e-8 against float64 references).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import strata.optimizers as so
from optimizer_test_utils import keras_variables, make_arrays, strata_variables

ATOL = 1e-7


def _exp_decay(module):
    return module.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)


def _cosine_warmup(module):
    return module.schedules.CosineDecay(0.01, decay_steps=4, warmup_target=0.1, warmup_steps=2)


CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.1, "epsilon": 1.0}),
    ("AdamW", {"learning_rate": 0.01}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True, "rho": 0.8}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01, "beta_1": 0.8, "epsilon": 1e-2}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("Adam", {"learning_rate": 0.01, "clipvalue": 0.3}),
    ("RMSprop", {"learning_rate": 0.01, "global_clipnorm": 1.0}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.05}),
    ("Adamax", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("Adam", {"learning_rate": 0.01, "loss_scale_factor": 128.0}),
    ("SGD", {"learning_rate": _exp_decay, "momentum": 0.5}),
    ("Adam", {"learning_rate": _cosine_warmup}),
]


def _kwargs(kwargs, module):
    return {k: (v(module) if callable(v) else v) for k, v in kwargs.items()}


def _run_pair(keras, class_name, kwargs, steps=3, constraints=(None, None), prepare=None):
    weights, grads = make_arrays(steps)
    k_vars = keras_variables(keras, weights, constraints)
    s_vars = strata_variables(weights, constraints)
    k_opt = getattr(keras.optimizers, class_name)(**_kwargs(kwargs, keras.optimizers))
    s_opt = getattr(so, class_name)(**_kwargs(kwargs, so))
    if prepare is not None:
        prepare(k_opt, k_vars)
        prepare(s_opt, s_vars)
    for step_grads in grads:
        k_opt.apply([jnp.asarray(g) for g in step_grads], k_vars)
        s_opt.apply([jnp.asarray(g) for g in step_grads], s_vars)
    return (k_opt, k_vars), (s_opt, s_vars)


def _assert_same_state(keras_side, strata_side):
    (k_opt, k_vars), (s_opt, s_vars) = keras_side, strata_side
    for kv, sv in zip(k_vars, s_vars):
        np.testing.assert_allclose(sv.numpy(), np.asarray(kv.numpy()), rtol=0, atol=ATOL, err_msg=sv.path)
    k_slots, s_slots = k_opt.variables, s_opt.variables
    assert len(s_slots) == len(k_slots)
    for kv, sv in zip(k_slots, s_slots):
        if kv.name == "variable":  # Keras leaves Nadam's scalar product unnamed; strata names it
            assert sv.path == f"{s_opt.name}/u_product"
        else:
            assert (sv.name, sv.path) == (kv.name, kv.path)
        assert sv.dtype == kv.dtype and sv.shape == tuple(kv.shape)
        np.testing.assert_allclose(sv.numpy(), np.asarray(kv.numpy()), rtol=0, atol=ATOL, err_msg=sv.path)
    assert int(np.asarray(s_opt.iterations)) == int(np.asarray(k_opt.iterations))


@pytest.mark.keras
@pytest.mark.parametrize("class_name, kwargs", CASES, ids=lambda x: str(x) if isinstance(x, str) else "")
def test_three_steps_match_keras(keras, class_name, kwargs):
    keras_side, strata_side = _run_pair(keras, class_name, kwargs)
    _assert_same_state(keras_side, strata_side)
    assert int(np.asarray(strata_side[0].iterations)) == 3


@pytest.mark.keras
def test_weight_decay_exclusion_matches_keras(keras):
    def exclude_bias(opt, variables):
        opt.exclude_from_weight_decay(var_names=["bias"])

    keras_side, strata_side = _run_pair(keras, "AdamW", {"learning_rate": 0.01, "weight_decay": 0.5},
                                        prepare=exclude_bias)
    _assert_same_state(keras_side, strata_side)


@pytest.mark.keras
def test_weight_decay_exclusion_by_variable_matches_keras(keras):
    def exclude_kernel(opt, variables):
        opt.exclude_from_weight_decay(var_list=[variables[0]])

    keras_side, strata_side = _run_pair(keras, "SGD", {"learning_rate": 0.1, "weight_decay": 0.5},
                                        prepare=exclude_kernel)
    _assert_same_state(keras_side, strata_side)


@pytest.mark.keras
def test_constraints_applied_after_update_like_keras(keras):
    constraints = (lambda w: jnp.clip(jnp.asarray(w), -0.5, 0.5), None)
    keras_side, strata_side = _run_pair(keras, "Adam", {"learning_rate": 0.1}, constraints=constraints)
    _assert_same_state(keras_side, strata_side)
    assert np.abs(strata_side[1][0].numpy()).max() <= 0.5


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    {"use_ema": True},
    {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2},
])
def test_ema_matches_keras(keras, kwargs):
    keras_side, strata_side = _run_pair(keras, "Adam", {"learning_rate": 0.1, **kwargs}, steps=4)
    _assert_same_state(keras_side, strata_side)
    (k_opt, k_vars), (s_opt, s_vars) = keras_side, strata_side
    k_opt.finalize_variable_values(k_vars)
    s_opt.finalize_variable_values(s_vars)
    _assert_same_state(keras_side, strata_side)


@pytest.mark.keras
@pytest.mark.parametrize("class_name, kwargs", [
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "gradient_accumulation_steps": 2}),
    ("Nadam", {"learning_rate": 0.01, "gradient_accumulation_steps": 3, "weight_decay": 0.1}),
    ("Adam", {"learning_rate": 0.1, "gradient_accumulation_steps": 2, "use_ema": True,
              "ema_overwrite_frequency": 1, "clipnorm": 1.0}),
])
def test_gradient_accumulation_matches_keras(keras, class_name, kwargs):
    keras_side, strata_side = _run_pair(keras, class_name, kwargs, steps=5)
    _assert_same_state(keras_side, strata_side)
    assert int(strata_side[0].iterations) == 5 // kwargs["gradient_accumulation_steps"]


@pytest.mark.keras
@pytest.mark.parametrize("class_name, kwargs", [CASES[i] for i in (2, 5, 11, 16, 19, 24)],
                         ids=lambda x: str(x) if isinstance(x, str) else "")
def test_compiled_stateless_apply_matches_compiled_keras(keras, class_name, kwargs):
    """What `fit` runs on both sides: the jitted stateless step (observed bit-identical)."""
    import jax

    weights, grads = make_arrays(3)
    k_vars, s_vars = keras_variables(keras, weights), strata_variables(weights)
    k_opt = getattr(keras.optimizers, class_name)(**_kwargs(kwargs, keras.optimizers))
    s_opt = getattr(so, class_name)(**_kwargs(kwargs, so))
    k_opt.build(k_vars)
    s_opt.build(s_vars)
    k_step, s_step = jax.jit(k_opt.stateless_apply), jax.jit(s_opt.stateless_apply)
    k_state = ([v.value for v in k_vars], [v.value for v in k_opt.variables])
    s_state = ([v.value for v in s_vars], [v.value for v in s_opt.variables])
    for step_grads in grads:
        step_grads = [jnp.asarray(g) for g in step_grads]
        k_state = k_step(k_state[1], step_grads, k_state[0])
        s_state = s_step(s_state[1], step_grads, s_state[0])
    for k_value, s_value in zip(k_state[0] + k_state[1], s_state[0] + s_state[1]):
        np.testing.assert_allclose(np.asarray(s_value), np.asarray(k_value), rtol=0, atol=ATOL)
