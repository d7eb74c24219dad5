"""The pure metric API the compiled training step uses, and the padded-batch contract.

The engine pads the last batch and passes the 0/1 row mask (times any sample weight) as
``sample_weight``.  So for every metric: the jitted ``stateless_update_state`` over padded batches
must give the eager result over the unpadded ones, all-ones weights must give exactly the
unweighted result, and the variables must not change under the stateless API.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from metric_cases import CASES, batches, case_id, make

import strata.metrics as sm

PAD = 5


def _jit_cases():
    """One case per class, plus the variants whose state or update path differs (keeps the file fast)."""
    seen, chosen = set(), []
    for case in CASES:
        name, kwargs, _ = case
        if name not in seen or any(k in kwargs for k in ("multi_label", "top_k", "class_id", "thresholds")):
            chosen.append(case)
        seen.add(name)
    return chosen


JIT_CASES = _jit_cases()


def pad(array, rng=None):
    """Append ``PAD`` rows: junk when ``rng`` is given, else copies of the first row.

    The engine pads with copies of a real row; predictions are junk here to show they are ignored.
    """
    if rng is None:
        extra = np.repeat(array[:1], PAD, axis=0)
    else:
        extra = rng.uniform(-3.0, 3.0, (PAD,) + array.shape[1:]).astype(array.dtype)
    return np.concatenate([array, extra])


def eager(metric, data):
    for y_true, y_pred, weight in data:
        metric.update_state(y_true, y_pred, sample_weight=weight)
    return np.asarray(metric.result()), [np.asarray(v.value) for v in metric.variables]


@pytest.mark.parametrize("case", JIT_CASES, ids=[case_id(c) for c in JIT_CASES])
def test_jitted_padded_updates_equal_eager_updates(case):
    name, kwargs, kind = case
    data = batches(kind)
    expected, _ = eager(getattr(sm, name)(**kwargs), data)

    metric = getattr(sm, name)(**kwargs)
    if hasattr(metric, "build") and not metric.built:  # the engine builds shape-dependent state first
        metric.build(data[0][0].shape, data[0][1].shape)
    before = [np.asarray(v.value) for v in metric.variables]
    rng = np.random.default_rng(1)
    padded = []
    for y_true, y_pred, weight in data:
        mask = np.concatenate([np.ones(len(y_true)), np.zeros(PAD)]).astype(np.float32)
        weight = mask if weight is None else mask * np.concatenate([weight, np.full(PAD, 7.0, np.float32)])
        padded.append((pad(y_true), pad(y_pred, rng), weight))

    @jax.jit
    def run(values, batches_):
        for y_true, y_pred, weight in batches_:
            values = metric.stateless_update_state(values, y_true, y_pred, sample_weight=weight)
        return values, metric.stateless_result(values)

    values, result = run(metric.stateless_reset_state(), padded)
    np.testing.assert_allclose(np.asarray(result), expected, rtol=1e-6, atol=1e-7, err_msg=name)
    # The variables themselves were not touched, and the stateless result agrees with `result`.
    for variable, value in zip(metric.variables, before):
        np.testing.assert_array_equal(np.asarray(variable.value), value)
    for variable, value in zip(metric.variables, values):
        variable.assign(value)
    np.testing.assert_allclose(np.asarray(metric.result()), np.asarray(result), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES[::3], ids=[case_id(c) for c in CASES[::3]])
def test_all_ones_weights_give_exactly_the_unweighted_result(case):
    name, kwargs, kind = case
    y_true, y_pred = make(kind, np.random.default_rng(2))
    plain = getattr(sm, name)(**kwargs)
    plain.update_state(y_true, y_pred)
    weighted = getattr(sm, name)(**kwargs)
    weighted.update_state(y_true, y_pred, sample_weight=np.ones(len(y_true), np.float32))
    np.testing.assert_array_equal(np.asarray(weighted.result()), np.asarray(plain.result()))
    for a, b in zip(weighted.variables, plain.variables):
        np.testing.assert_array_equal(np.asarray(a.value), np.asarray(b.value))


def test_zero_weight_rows_with_non_finite_values_are_ignored():
    """A padded row may hold anything, even values that make the per-sample loss infinite."""
    y_true = np.array([[0.0], [1.0], [1.0]], np.float32)
    y_pred = np.array([[0.2], [0.7], [np.nan]], np.float32)
    mask = np.array([1.0, 1.0, 0.0], np.float32)
    for metric in (sm.BinaryCrossentropy(), sm.MeanSquaredError(), sm.AUC(), sm.Precision(), sm.BinaryAccuracy()):
        metric.update_state(y_true, y_pred, sample_weight=mask)
        reference = type(metric)()
        reference.update_state(y_true[:2], y_pred[:2])
        np.testing.assert_allclose(np.asarray(metric.result()), np.asarray(reference.result()), rtol=1e-6)


def test_stateless_reset_state_and_reset_state():
    metric = sm.Mean()
    metric.update_state([1.0, 2.0, 3.0])
    assert float(metric.result()) == 2.0
    assert [float(v) for v in metric.stateless_reset_state()] == [0.0, 0.0]
    assert float(metric.count.value) == 3.0  # the pure reset leaves the variables alone
    metric.reset_state()
    assert [float(v.value) for v in metric.variables] == [0.0, 0.0]
    assert float(metric.result()) == 0.0
    auc = sm.AUC(num_thresholds=5)
    auc.update_state([0, 1, 1], [0.2, 0.6, 0.9])
    auc.reset_state()
    assert all(not np.asarray(v.value).any() for v in auc.variables)


def test_user_subclass_works_in_the_pure_api():
    """A metric that only writes update_state/result runs under jit through the stateless scope."""

    class WeightedMax(sm.Metric):
        def __init__(self, name="weighted_max"):
            super().__init__(name=name)
            self.best = self.add_variable(shape=(), initializer="zeros", name="best")
            self.inner = sm.Mean(name="inner")

        def update_state(self, y_true, y_pred, sample_weight=None):
            values = jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))
            self.best.assign(jnp.maximum(self.best.value, jnp.max(values)))
            self.inner.update_state(values)

        def result(self):
            return self.best.value + self.inner.result()

    metric = WeightedMax()
    assert [v.path for v in metric.variables] == ["weighted_max/best", "inner/total", "inner/count"]
    step = jax.jit(metric.stateless_update_state)
    values = step(metric.stateless_reset_state(), jnp.array([1.0, 2.0]), jnp.array([0.0, 5.0]))
    values = step(values, jnp.array([1.0]), jnp.array([1.5]))
    assert float(metric.stateless_result(values)) == pytest.approx(3.0 + 4.5 / 3)
    assert float(metric.result()) == 0.0
    assert float(metric(jnp.array([1.0, 2.0]), jnp.array([0.0, 5.0]))) == pytest.approx(5.0)


def test_wrong_number_of_values_is_rejected():
    with pytest.raises(ValueError, match=r"one array per variable of Mean\(\)\.variables \(2\)\. Received a list of length 1"):
        sm.Mean().stateless_update_state([jnp.zeros(())], [1.0])
