"""The course's custom callbacks: a per-batch loss tracker, stopping from a callback, reading weights."""

import numpy as np
import pytest

from strata.callbacks import Callback
from strata.layers import Dense, Input
from strata.models import Sequential

RNG = np.random.RandomState(0)
X = RNG.rand(50, 4).astype("float32")  # 50 rows, batch 16: the last batch of each epoch is partial
Y = (X @ RNG.rand(4, 1).astype("float32") + 0.1 * RNG.rand(50, 1).astype("float32")).astype("float32")


class LossTracker(Callback):
    """As written in the course: collect the loss after every training batch."""

    def on_train_begin(self, logs=None):
        self.batch_losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.batch_losses.append(logs["loss"])


class WeightsPerEpoch(Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def _strata(weights=None):
    model = Sequential([Input((4,)), Dense(8, activation="relu"), Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    if weights is not None:
        model.set_weights(weights)
    return model


@pytest.mark.keras
def test_batch_losses_and_epoch_weights_match_keras(keras):
    k_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    k_model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model = _strata(k_model.get_weights())
    class KerasLossTracker(keras.callbacks.Callback):  # the same course code, on Keras's base class
        on_train_begin = LossTracker.on_train_begin
        on_train_batch_end = LossTracker.on_train_batch_end

    tracker, k_tracker = LossTracker(), KerasLossTracker()
    weights = WeightsPerEpoch()
    k_weights = []
    k_snapshot = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: k_weights.append(k_model.get_weights()))
    fit_args = dict(batch_size=16, epochs=3, shuffle=False, verbose=0)
    history = model.fit(X, Y, callbacks=[tracker, weights], **fit_args)
    k_history = k_model.fit(X, Y, callbacks=[k_tracker, k_snapshot], **fit_args)
    # Running means within each epoch (4 batches: 16, 16, 16, 2 rows), as Keras reports them.
    assert len(tracker.batch_losses) == len(k_tracker.batch_losses) == 12
    np.testing.assert_allclose(tracker.batch_losses, k_tracker.batch_losses, rtol=1e-5)
    # The last running mean of an epoch is the epoch's loss.
    np.testing.assert_allclose(tracker.batch_losses[3::4], history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(history.history["loss"], k_history.history["loss"], rtol=1e-5)
    for ours, theirs in zip(weights.weights, k_weights, strict=True):
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_batch_tracker_sees_every_batch_of_every_epoch():
    tracker = LossTracker()
    history = _strata().fit(X, Y, batch_size=16, epochs=2, shuffle=True, verbose=0, callbacks=[tracker])
    assert len(tracker.batch_losses) == 8
    assert all(np.isfinite(tracker.batch_losses))
    assert tracker.batch_losses[7] == pytest.approx(history.history["loss"][1], rel=1e-6)


class StopAfter(Callback):
    def __init__(self, epoch):
        super().__init__()
        self.stop_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.stop_epoch:
            self.model.stop_training = True


def test_stop_training_set_in_on_epoch_end_stops_after_that_epoch():
    history = _strata().fit(X, Y, batch_size=16, epochs=10, verbose=0, callbacks=[StopAfter(2)])
    assert history.epoch == [0, 1, 2]
    assert len(history.history["loss"]) == 3


def test_stop_training_is_reset_by_the_next_fit():
    model = _strata()
    model.fit(X, Y, batch_size=16, epochs=10, verbose=0, callbacks=[StopAfter(0)])
    history = model.fit(X, Y, batch_size=16, epochs=3, verbose=0)
    assert history.epoch == [0, 1, 2]


def test_get_weights_in_on_epoch_end_are_the_weights_after_that_epoch():
    initial = _strata().get_weights()
    observer = WeightsPerEpoch()
    _strata(initial).fit(X, Y, batch_size=16, epochs=4, shuffle=False, verbose=0, callbacks=[observer])
    assert len(observer.weights) == 4
    for epochs in (1, 3):
        reference = _strata(initial)
        reference.fit(X, Y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
        for seen, expected in zip(observer.weights[epochs - 1], reference.get_weights(), strict=True):
            np.testing.assert_allclose(seen, expected, rtol=1e-6, atol=1e-7)
    # Weights really change between epochs (the check above could not pass by accident).
    assert not np.allclose(observer.weights[0][0], observer.weights[3][0])
