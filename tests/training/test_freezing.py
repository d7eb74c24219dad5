"""Freezing: the trainable set is captured when the optimizer is built; later changes warn; fine-tuning."""

import numpy as np
import pytest

import strata
from strata.layers import Dense, Input
from strata.models import Sequential

X = np.random.RandomState(0).rand(16, 3).astype("float32")
Y = np.random.RandomState(1).rand(16, 1).astype("float32")


def _model():
    return Sequential([Input((3,)), Dense(4, activation="relu", name="base"), Dense(1, name="head")])


def test_frozen_layer_is_not_updated_and_counts_as_non_trainable():
    model = _model()
    model.get_layer("base").trainable = False
    model.compile(optimizer="adam", loss="mse")
    before = model.get_layer("base").get_weights()
    model.fit(X, Y, epochs=3, verbose=0)
    for a, b in zip(before, model.get_layer("base").get_weights()):
        np.testing.assert_array_equal(a, b)
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2


def test_changing_trainable_after_compile_warns_and_recompiling_applies_it():
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    model.get_layer("base").trainable = False
    with pytest.warns(UserWarning, match=r"`trainable` state has changed since the model was compiled.*"
                                         r"Changed layers: \['base'\]"):
        model.fit(X, Y, epochs=1, verbose=0)
    model.compile(optimizer="adam", loss="mse")
    before = model.get_layer("base").get_weights()
    model.fit(X, Y, epochs=2, verbose=0)
    np.testing.assert_array_equal(before[0], model.get_layer("base").get_weights()[0])


def test_freezing_between_compile_and_the_first_fit_takes_effect_silently(recwarn):
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    model.get_layer("base").trainable = False  # before the optimizer captured anything (Keras 3 agrees)
    before = model.get_layer("base").get_weights()
    model.fit(X, Y, epochs=2, verbose=0)
    assert not [w for w in recwarn if "trainable" in str(w.message)]
    np.testing.assert_array_equal(before[0], model.get_layer("base").get_weights()[0])


def test_freezing_after_a_fit_without_recompiling_keeps_the_captured_variables_training():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    model.get_layer("base").trainable = False
    before = model.get_layer("base").get_weights()
    with pytest.warns(UserWarning, match="Please recompile your model"):
        model.fit(X, Y, epochs=1, verbose=0)
    # The optimizer still updates what it captured, until compile() is called again.
    assert not np.array_equal(before[0], model.get_layer("base").get_weights()[0])


def test_freezing_a_nested_functional_base():
    inputs = Input((3,))
    base = strata.Model(inputs, Dense(4, activation="relu")(inputs), name="base_model")
    outer_in = Input((3,))
    model = strata.Model(outer_in, Dense(1)(base(outer_in)))
    base.trainable = False
    model.compile(optimizer="adam", loss="mse")
    frozen = base.get_weights()
    model.fit(X, Y, epochs=2, verbose=0)
    np.testing.assert_array_equal(frozen[0], base.get_weights()[0])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2


def test_fine_tuning_a_frozen_base_then_unfreezing():
    base = Sequential([Input((3,)), Dense(4, activation="relu")], name="base_model")
    model = Sequential([Input((3,)), base, Dense(1)])
    base.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    frozen = base.get_weights()
    model.fit(X, Y, epochs=2, verbose=0)
    np.testing.assert_array_equal(frozen[0], base.get_weights()[0])
    base.trainable = True
    model.compile(optimizer=strata.optimizers.SGD(1e-2), loss="mse")
    model.fit(X, Y, epochs=2, verbose=0)
    assert not np.array_equal(frozen[0], base.get_weights()[0])
