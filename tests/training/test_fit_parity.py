"""fit/evaluate/predict against real Keras (JAX backend) with copied weights (KERAS_NOTES §9 rows 5, 7, 8, 10)."""

import numpy as np
import pytest

from strata.layers import Dense, Input
from strata.models import Sequential

pytestmark = pytest.mark.keras


def _data(n=70, features=4, seed=0):
    rs = np.random.RandomState(seed)
    return rs.rand(n, features).astype("float32"), rs.rand(n, 1).astype("float32")


def _pair(keras, regularizer=None, activation="relu", units=1, out_activation=None):
    km = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation=activation, kernel_regularizer=regularizer),
                           keras.layers.Dense(units, activation=out_activation)])
    sm = Sequential([Input((4,)), Dense(8, activation=activation, kernel_regularizer=regularizer),
                     Dense(units, activation=out_activation)])
    sm.set_weights(km.get_weights())
    return km, sm


@pytest.mark.parametrize("optimizer,rtol", [("sgd", 1e-5), ("adam", 1e-4), ("rmsprop", 1e-4)])
def test_fit_history_matches_keras_with_partial_batch_and_regularizer(keras, optimizer, rtol):
    # 70 samples, validation_split=0.2 -> 56 train rows = 3 batches of 16 + a partial batch of 8.
    x, y = _data()
    km, sm = _pair(keras, regularizer="l2")
    km.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    sm.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    hk = km.fit(x, y, batch_size=16, epochs=5, shuffle=False, verbose=0, validation_split=0.2)
    hs = sm.fit(x, y, batch_size=16, epochs=5, shuffle=False, verbose=0, validation_split=0.2)
    assert list(hs.history) == list(hk.history) == ["loss", "mae", "val_loss", "val_mae"]
    for key in hk.history:
        np.testing.assert_allclose(hs.history[key], hk.history[key], rtol=rtol, atol=1e-7, err_msg=key)
    for a, b in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=1e-6)
    assert hs.epoch == hk.epoch == [0, 1, 2, 3, 4]
    assert hs.params == {"verbose": 0, "epochs": 5, "steps": 4}


def test_one_sgd_step_equals_keras_gradient_with_regularizer(keras):
    # SGD(lr=1) makes the weight change equal to minus the gradient (row 5), atol 1e-6.
    x, y = _data(n=16)
    km, sm = _pair(keras, regularizer=keras.regularizers.L2(0.01))
    sm = Sequential([Input((4,)), Dense(8, activation="relu", kernel_regularizer="l2"), Dense(1)])
    sm.set_weights(km.get_weights())
    km.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    from strata.optimizers import SGD
    sm.compile(optimizer=SGD(1.0), loss="mse")
    km.train_on_batch(x, y)
    sm.train_on_batch(x, y)
    for a, b in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-6, rtol=1e-5)


def test_classification_history_accuracy_resolution_and_weighted_metrics(keras):
    rs = np.random.RandomState(3)
    x = rs.rand(50, 4).astype("float32")
    labels = rs.randint(0, 3, 50)
    y = np.eye(3, dtype="float32")[labels]
    sw = rs.rand(50).astype("float32")
    km, sm = _pair(keras, units=3, out_activation="softmax")
    for model in (km, sm):
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"],
                      weighted_metrics=["accuracy"])
    hk = km.fit(x, y, sample_weight=sw, batch_size=8, epochs=3, shuffle=False, verbose=0)
    hs = sm.fit(x, y, sample_weight=sw, batch_size=8, epochs=3, shuffle=False, verbose=0)
    assert list(hs.history) == list(hk.history) == ["accuracy", "loss", "weighted_accuracy"]
    for key in hk.history:
        np.testing.assert_allclose(hs.history[key], hk.history[key], rtol=1e-5, err_msg=key)


def test_class_weight_equals_sample_weight_and_keras(keras):
    rs = np.random.RandomState(4)
    x = rs.rand(40, 4).astype("float32")
    y = rs.randint(0, 2, (40, 1)).astype("float32")
    class_weight = {0: 0.3, 1: 2.0}
    km, sm = _pair(keras, out_activation="sigmoid")
    for model in (km, sm):
        model.compile(optimizer="sgd", loss="binary_crossentropy", weighted_metrics=["accuracy"])
    hk = km.fit(x, y, class_weight=class_weight, batch_size=16, epochs=2, shuffle=False, verbose=0)
    hs = sm.fit(x, y, class_weight=class_weight, batch_size=16, epochs=2, shuffle=False, verbose=0)
    for key in hk.history:
        np.testing.assert_allclose(hs.history[key], hk.history[key], rtol=1e-5, err_msg=key)


def test_evaluate_return_forms_and_predict_match_keras(keras):
    x, y = _data(n=37)
    km, sm = _pair(keras)
    for model in (km, sm):
        model.compile(optimizer="adam", loss="mse")
    assert isinstance(sm.evaluate(x, y, verbose=0), float)
    np.testing.assert_allclose(sm.evaluate(x, y, verbose=0), km.evaluate(x, y, verbose=0), rtol=1e-6)
    for model in (km, sm):
        model.compile(optimizer="adam", loss="mse", metrics=["mae", "mse"])
    ek, es = km.evaluate(x, y, verbose=0), sm.evaluate(x, y, verbose=0, batch_size=10)
    assert isinstance(es, list) and len(es) == 3
    np.testing.assert_allclose(es, ek, rtol=1e-6)
    dk, ds = km.evaluate(x, y, verbose=0, return_dict=True), sm.evaluate(x, y, verbose=0, return_dict=True)
    assert list(ds) == list(dk) == ["loss", "mae", "mse"]
    pk, ps = km.predict(x, verbose=0), sm.predict(x, verbose=0)
    assert ps.shape == pk.shape == (37, 1) and ps.dtype == np.float32
    np.testing.assert_allclose(ps, pk, atol=1e-6, rtol=1e-6)


def test_on_batch_methods_match_keras(keras):
    x, y = _data(n=12)
    km, sm = _pair(keras)
    for model in (km, sm):
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    np.testing.assert_allclose(sm.train_on_batch(x, y), km.train_on_batch(x, y), rtol=1e-5)
    np.testing.assert_allclose(sm.test_on_batch(x, y), km.test_on_batch(x, y), rtol=1e-5)
    np.testing.assert_allclose(sm.predict_on_batch(x), km.predict_on_batch(x), atol=1e-6)
    assert sm.train_on_batch(x, y, return_dict=True).keys() == {"loss", "mae"}
