"""History keys and values for every metric naming case of KERAS_NOTES §3.3 (§9 row 9), against Keras."""

import numpy as np
import pytest

import strata

pytestmark = pytest.mark.keras

CASES = [
    # (metrics, output units, activation, loss, label kind)
    (["accuracy"], 1, "sigmoid", "binary_crossentropy", "binary"),
    (["accuracy"], 3, "softmax", "sparse_categorical_crossentropy", "sparse"),
    (["accuracy"], 3, "softmax", "sparse_categorical_crossentropy", "sparse_col"),
    (["accuracy"], 3, "softmax", "categorical_crossentropy", "onehot"),
    (["acc"], 3, "softmax", "categorical_crossentropy", "onehot"),
    (["mae"], 1, None, "mse", "regression"),
    (["mean_absolute_error"], 1, None, "mse", "regression"),
    (["RootMeanSquaredError"], 1, None, "mse", "regression"),
    ("rmse_object", 1, None, "mse", "regression"),
    (["mse", "MAE"], 1, None, "mse", "regression"),
    (["AUC"], 1, "sigmoid", "binary_crossentropy", "binary"),
    (None, 1, None, "mse", "regression"),
]


def _labels(kind, rs, n=40):
    if kind == "binary":
        return rs.randint(0, 2, (n, 1)).astype("float32")
    if kind == "sparse":
        return rs.randint(0, 3, n)
    if kind == "sparse_col":
        return rs.randint(0, 3, (n, 1))
    if kind == "onehot":
        return np.eye(3, dtype="float32")[rs.randint(0, 3, n)]
    return rs.rand(n, 1).astype("float32")


@pytest.mark.parametrize("metrics,units,activation,loss,kind", CASES)
def test_history_keys_and_values_match_keras(keras, metrics, units, activation, loss, kind):
    rs = np.random.RandomState(0)
    x = rs.rand(40, 4).astype("float32")
    y = _labels(kind, rs)
    histories = []
    weights = None
    for lib in (keras, strata):
        model = lib.Sequential([lib.layers.Input((4,)), lib.layers.Dense(units, activation=activation)])
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        chosen = [lib.metrics.RootMeanSquaredError()] if metrics == "rmse_object" else metrics
        model.compile(optimizer="sgd", loss=loss, metrics=chosen)
        histories.append(model.fit(x, y, batch_size=16, epochs=2, shuffle=False, validation_split=0.25,
                                   verbose=0).history)
    theirs, ours = histories
    assert list(ours) == list(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-7, err_msg=key)
