"""Every built-in metric against real Keras 3.15: three updates (one weighted, with zero weights),
then the result and every state variable.

Tolerance: rtol 1e-6 on results and states (float32, the same formulas), with an absolute slack of
1e-6 on states that are sums of weights (summation order can differ in the last bit).

strata runs with JAX rank promotion set to "raise"; Keras, which relies on implicit rank promotion,
runs with it allowed.  The Keras module is shared by the file (``keras_oracle``): the per-test
``keras`` fixture's ``clear_session`` costs a garbage collection per test.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from metric_cases import CASES, batches, case_id

import strata.metrics as sm

RTOL = 1e-6
pytestmark = pytest.mark.keras


def run(metric, data, promotion):
    with jax.numpy_rank_promotion(promotion):
        for y_true, y_pred, weight in data:
            metric.update_state(y_true, y_pred, sample_weight=weight)
        return np.asarray(metric.result()), [np.asarray(v.value) for v in metric.variables]


def test_r2_score_num_samples_skip_zero_weights(keras_oracle):
    """The one deliberate difference: entries of weight 0 (padding) are not counted as samples."""
    y = np.arange(8, dtype=np.float32).reshape(4, 2)
    weight = np.array([1.0, 0.0, 2.0, 1.0], np.float32)
    ours, theirs = sm.R2Score(num_regressors=1), keras_oracle.metrics.R2Score(num_regressors=1)
    ours.update_state(y, y + 0.5, sample_weight=weight)
    with jax.numpy_rank_promotion("allow"):
        theirs.update_state(y, y + 0.5, sample_weight=weight)
    assert float(ours.num_samples.value) == 6.0 and float(theirs.num_samples.value) == 8.0
    padded = sm.R2Score(num_regressors=1)
    padded.update_state(y[[0, 2, 3]], y[[0, 2, 3]] + 0.5, sample_weight=weight[[0, 2, 3]])
    np.testing.assert_allclose(float(ours.result()), float(padded.result()), rtol=1e-6)
    # Without zero weights the adjusted score is Keras's.
    ours, theirs = sm.R2Score(num_regressors=2), keras_oracle.metrics.R2Score(num_regressors=2)
    for y_true, y_pred, _ in batches("regression", seed=2):
        ours.update_state(y_true, y_pred, sample_weight=np.full(len(y_true), 1.5, np.float32))
        with jax.numpy_rank_promotion("allow"):
            theirs.update_state(y_true, y_pred, sample_weight=np.full(len(y_true), 1.5, np.float32))
    np.testing.assert_allclose(float(ours.result()), float(theirs.result()), rtol=RTOL)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_metric_matches_keras(keras_oracle, case):
    name, kwargs, kind = case
    data = batches(kind)
    expected, expected_state = run(getattr(keras_oracle.metrics, name)(**kwargs), data, "allow")
    actual, state = run(getattr(sm, name)(**kwargs), data, "raise")
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=0.0, err_msg=f"{name} result")
    assert len(state) == len(expected_state)
    if name == "R2Score":  # Keras counts zero-weight entries in `num_samples`; strata does not
        state, expected_state = state[1:], expected_state[1:]  # (test_r2_score_num_samples_skip_zero_weights)
    for ours, theirs in zip(state, expected_state):
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-6, err_msg=f"{name} state")


@pytest.mark.parametrize(
    "fn_name",
    ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
     "sparse_top_k_categorical_accuracy", "mean_absolute_error", "mean_squared_error", "binary_crossentropy"],
)
def test_function_forms_match_keras(keras_oracle, fn_name):
    kind = {"categorical_accuracy": "categorical", "top_k_categorical_accuracy": "categorical",
            "sparse_categorical_accuracy": "sparse", "sparse_top_k_categorical_accuracy": "sparse",
            "mean_absolute_error": "regression", "mean_squared_error": "regression"}.get(fn_name, "binary")
    y_true, y_pred, _ = batches(kind, seed=3)[0]
    with jax.numpy_rank_promotion("allow"):
        expected = np.asarray(getattr(keras_oracle.metrics, fn_name)(y_true, y_pred))
    actual = np.asarray(getattr(sm, fn_name)(y_true, y_pred))
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=RTOL, err_msg=fn_name)


def test_mean_and_sum_match_keras(keras_oracle):
    """Per-sample, per-value and column weights against (n,) and (n, k) values."""
    rng = np.random.default_rng(5)
    values = rng.normal(size=(6, 3)).astype(np.float32)
    cases = [(values, None), (values, rng.uniform(0, 2, 6)), (values, rng.uniform(0, 2, (6, 3))),
             (values[:, :1], rng.uniform(0, 2, 6)), (values[:, 0], rng.uniform(0, 2, (6, 1))), (2.5, None)]
    for name in ("Mean", "Sum"):
        theirs, ours = getattr(keras_oracle.metrics, name)(), getattr(sm, name)()
        for v, w in cases:
            w = None if w is None else w.astype(np.float32)
            with jax.numpy_rank_promotion("allow"):
                theirs.update_state(v, sample_weight=w)
            ours.update_state(v, sample_weight=w)
            np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()), rtol=RTOL, err_msg=name)


def test_integer_and_float64_inputs_match_keras(keras_oracle):
    rng = np.random.default_rng(6)
    labels = rng.integers(0, 3, 10)
    probs = rng.uniform(0.0, 1.0, (10, 3))  # float64
    pairs = {"SparseCategoricalAccuracy": (labels, probs), "CategoricalAccuracy": (np.eye(3, dtype=int)[labels], probs),
             "BinaryAccuracy": (labels[:, None] % 2, probs[:, :1]), "AUC": (labels % 2, probs[:, 0]),
             "Precision": (labels[:, None] % 2, probs[:, :1]), "MeanAbsoluteError": (labels, probs[:, 0])}
    for name, (y_true, y_pred) in pairs.items():
        with jax.numpy_rank_promotion("allow"):
            expected = np.asarray(getattr(keras_oracle.metrics, name)()(y_true, y_pred))
        actual = np.asarray(getattr(sm, name)()(y_true, y_pred))
        assert actual.dtype == np.float32, name
        np.testing.assert_allclose(actual, expected, rtol=RTOL, err_msg=name)
