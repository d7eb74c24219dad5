"""Mistakes raise errors that name the argument, what was received, and the fix."""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import strata.optimizers as so
from optimizer_test_utils import make_arrays, strata_variables


def test_two_clip_arguments():
    with pytest.raises(ValueError, match=r"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                                         r"Received: clipnorm=1.0, clipvalue=0.5, global_clipnorm=None"):
        so.Adam(clipnorm=1.0, clipvalue=0.5)


@pytest.mark.parametrize("bad", ["fast", None, [0.1], True])
def test_bad_learning_rate(bad):
    with pytest.raises(ValueError, match=r"`learning_rate` must be a float, a LearningRateSchedule, or a "
                                         r"callable .* Received: learning_rate="):
        so.SGD(learning_rate=bad)


def test_integer_learning_rate_is_accepted_as_float():
    assert so.SGD(learning_rate=1).get_config()["learning_rate"] == 1.0


def test_unknown_keyword_and_removed_decay():
    with pytest.raises(ValueError, match=r"Argument\(s\) not recognized: \{'lr': 0.1\}"):
        so.Adam(lr=0.1)
    with pytest.warns(UserWarning, match="`decay` is no longer supported"):
        so.Adam(decay=0.1)


def test_unknown_optimizer_name():
    with pytest.raises(ValueError, match=r"Could not interpret optimizer identifier: 'adams'. Valid names are"):
        so.get("adams")


def test_hyperparameter_checks():
    with pytest.raises(ValueError, match=r"`momentum` must be a float between \[0, 1\]. Received: momentum=1.5"):
        so.SGD(momentum=1.5)
    with pytest.raises(ValueError, match=r"`weight_decay` must be a float. Received: weight_decay=None"):
        so.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match=r"`gradient_accumulation_steps` must be an integer >= 2 or None. "
                                         r"Received: gradient_accumulation_steps=1"):
        so.SGD(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match=r"`ema_momentum` must be in the range \[0, 1\]. Received: ema_momentum=2"):
        so.SGD(use_ema=True, ema_momentum=2)
    with pytest.raises(ValueError, match=r"`ema_overwrite_frequency` must be an integer >= 1 or None"):
        so.SGD(use_ema=True, ema_overwrite_frequency=0.5)


def test_learning_rate_of_a_schedule_is_not_settable():
    opt = so.SGD(so.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match=r"cannot be set to a float.*Received: learning_rate=0.5"):
        opt.learning_rate = 0.5


def test_stateless_apply_checks_build_and_lengths():
    weights, grads = make_arrays(1)
    variables = strata_variables(weights)
    opt = so.Adam()
    with pytest.raises(ValueError, match=r"must be built. Call `optimizer.build\(trainable_variables\)` first"):
        opt.stateless_apply([], grads[0], weights)
    opt.build(variables)
    values = [v.value for v in opt.variables]
    with pytest.raises(ValueError, match=r"`optimizer_values` must have one entry per element of "
                                         r"`optimizer.variables` \(6\). Received: len\(optimizer_values\)=5"):
        opt.stateless_apply(values[:5], grads[0], weights)
    with pytest.raises(ValueError, match=r"`grads` must have one entry .* \(2\). Received: len\(grads\)=1"):
        opt.stateless_apply(values, grads[0][:1], weights)
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        opt.stateless_apply(values, [None, None], weights)


def test_apply_errors():
    weights, grads = make_arrays(1)
    variables = strata_variables(weights)
    with pytest.raises(ValueError, match="the optimizer must already be built"):
        so.SGD().apply([jnp.asarray(g) for g in grads[0]])
    opt = so.SGD()
    opt.apply([jnp.asarray(g) for g in grads[0]], variables)
    stranger = strata_variables(weights)[0]
    with pytest.raises(ValueError, match=r"Unknown variable: seq/dense/kernel. This optimizer can only update"):
        opt.apply([jnp.asarray(grads[0][0])], [stranger])
    with pytest.raises(ValueError, match=r"same length. Received: len\(grads\)=1, len\(trainable_variables\)=2"):
        opt.apply([jnp.asarray(grads[0][0])], variables)
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        opt.apply([None, None], variables)
