"""Every built-in loss against real Keras 3.15 (KERAS_NOTES §9 row 4).

Each case runs the class for every reduction, with and without sample weights, and the function
form, on random float32 data including probabilities of exactly 0 and 1, unnormalised probability
rows, logits, label smoothing and ``(n,)`` against ``(n, 1)`` labels.

Tolerance: rtol 1e-6 and no absolute slack (float32, the same formulas in the same order).

strata runs with JAX rank promotion set to "raise" (it must broadcast explicitly); Keras, which
relies on implicit rank promotion, runs with it allowed.  The Keras module is shared by the whole
file (``keras_oracle``) because the per-test ``keras`` fixture's ``clear_session`` costs a garbage
collection per test, and losses keep no session state.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from loss_cases import CASES, case_id, make

import strata.losses as sl

RTOL, ATOL = 1e-6, 0.0
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
pytestmark = pytest.mark.keras


def ours(fn, *args, **kwargs):
    with jax.numpy_rank_promotion("raise"):
        return np.asarray(fn(*args, **kwargs))


def theirs(fn, *args, **kwargs):
    with jax.numpy_rank_promotion("allow"):
        return np.asarray(fn(*args, **kwargs))


def close(actual, expected, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != Keras {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=what)


def sample_weight(values_shape, n):
    """Weights in [0, 3] (a 0 included; mean 1.5, so their sum is not the count), one per value.

    Per-sample values get ``(n,)`` weights; per-timestep values ``(n, t)`` get ``(n, t)`` weights
    (``(n,)`` cannot align there, in Keras too); scalar values (Dice over the whole batch) get
    ``(n,)`` weights.
    """
    shape = values_shape or (n,)
    return np.linspace(0.0, 3.0, int(np.prod(shape))).astype(np.float32).reshape(shape)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_loss_matches_keras(keras_oracle, case):
    cls_name, kwargs, kind, fn_name = case
    y_true, y_pred = make(kind)
    values = theirs(getattr(keras_oracle.losses, cls_name)(reduction="none", **kwargs), y_true, y_pred)
    close(ours(getattr(sl, cls_name)(reduction="none", **kwargs), y_true, y_pred), values, f"{cls_name} values")
    weights = (None, sample_weight(values.shape, len(y_true)))
    combos = [(r, w) for r in REDUCTIONS for w in weights if not (r == "none" and w is None)]
    if kind == "ctc":  # Keras's eager CTC re-traces its scan on every call (~0.5 s); the reduction
        combos = [("sum_over_batch_size", weights[1])]  # code is shared, and covered by the other cases
    for reduction, weight in combos:
        expected = theirs(getattr(keras_oracle.losses, cls_name)(reduction=reduction, **kwargs), y_true, y_pred, weight)
        actual = ours(getattr(sl, cls_name)(reduction=reduction, **kwargs), y_true, y_pred, weight)
        close(actual, expected, f"{cls_name} reduction={reduction!r} weighted={weight is not None}")

    # The function form: per-sample values.  Keras's functions other than the MSE family do not
    # align (n,) with (n, 1) themselves (the class does), so only matching shapes are compared.
    mismatched = kind in ("labels_n", "binary_n", "labels_n1_pred_n")
    if not mismatched or fn_name in ("mean_squared_error", "mean_absolute_error"):
        y_true, y_pred = make(kind, seed=1)
        expected = theirs(getattr(keras_oracle.losses, fn_name), y_true, y_pred, **kwargs)
        close(ours(getattr(sl, fn_name), y_true, y_pred, **kwargs), expected, fn_name)


def test_column_sample_weight_matches_keras(keras_oracle):
    """A (n, 1) sample weight against (n,) values is aligned the Keras way."""
    y_true, y_pred = make("binary")
    weight = sample_weight((len(y_true), 1), len(y_true))
    for reduction in REDUCTIONS:
        expected = theirs(keras_oracle.losses.BinaryCrossentropy(reduction=reduction), y_true, y_pred, weight)
        close(ours(sl.BinaryCrossentropy(reduction=reduction), y_true, y_pred, weight), expected, repr(reduction))


def test_integer_labels_and_float64_inputs_match_keras(keras_oracle):
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 3, 6)
    probs = rng.uniform(0.1, 1.0, (6, 3))  # float64
    for name in ("SparseCategoricalCrossentropy", "CategoricalCrossentropy", "MeanSquaredError"):
        y_true = labels if name.startswith("Sparse") else np.eye(3, dtype=np.int64)[labels]
        actual = ours(getattr(sl, name)(), y_true, probs)
        assert actual.dtype == np.float32
        close(actual, theirs(getattr(keras_oracle.losses, name)(), y_true, probs), name)


def test_labels_n_and_n1_give_the_same_loss():
    """(n,) labels against (n, 1) predictions equal the (n, 1)/(n, 1) result (no (n, n) broadcast)."""
    y_true, y_pred = make("labels_n")
    for cls in (sl.MeanSquaredError, sl.MeanAbsoluteError, sl.Huber, sl.LogCosh, sl.BinaryCrossentropy, sl.Hinge):
        np.testing.assert_allclose(
            ours(cls(), y_true, y_pred), ours(cls(), y_true[:, None], y_pred), rtol=1e-7, err_msg=cls.__name__
        )
        np.testing.assert_allclose(
            ours(cls(), y_true[:, None], y_pred[:, 0]), ours(cls(), y_true[:, None], y_pred), rtol=1e-7
        )
