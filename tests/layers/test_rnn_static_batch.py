"""A model built for one batch size (``Input(batch_shape=...)``, as stateful RNNs need) predicts and
trains in batches of exactly that size, with Keras's numbers."""

import numpy as np
import pytest

import strata
from strata import layers


def _stateful(lib):
    return lib.Sequential([lib.Input(batch_shape=(4, 3, 2)), lib.layers.LSTM(3, stateful=True),
                           lib.layers.Dense(1)])


@pytest.mark.keras
def test_stateful_model_predicts_and_trains_in_its_batch_size_as_keras(keras):
    ours, theirs = _stateful(strata), _stateful(keras)
    theirs.set_weights(ours.get_weights())
    x = np.random.RandomState(0).rand(8, 3, 2).astype("float32")
    y = np.random.RandomState(1).rand(8, 1).astype("float32")
    np.testing.assert_allclose(ours.predict(x, batch_size=4, verbose=0), theirs.predict(x, batch_size=4, verbose=0),
                               atol=1e-6)
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse")
    h1 = ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    h2 = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h1, h2, rtol=1e-5)  # float32


def test_direct_calls_carry_the_state_until_reset():
    model = _stateful(strata)
    x = np.random.RandomState(0).rand(4, 3, 2).astype("float32")
    first, second = np.asarray(model(x)), np.asarray(model(x))
    assert not np.allclose(first, second)
    model.layers[0].reset_states()
    np.testing.assert_allclose(np.asarray(model(x)), first, atol=1e-7)
