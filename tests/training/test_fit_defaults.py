"""fit's defaults and data order: rmsprop by default, shuffling, validation_split from the tail."""

import numpy as np
import pytest

import strata
from strata.callbacks import Callback
from strata.layers import Dense, Input
from strata.models import Sequential


def test_compile_without_an_optimizer_uses_rmsprop_with_keras_defaults():
    model = Sequential([Input((2,)), Dense(1)])
    model.compile(loss="mse")
    assert isinstance(model.optimizer, strata.optimizers.RMSprop)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(1e-3)
    model.fit(np.ones((4, 2), "float32"), np.ones(4), verbose=0)
    assert model.optimizer.iterations.numpy() == 1


class RowsSeen(Callback):
    """Recovers which row each step trained on: with one-hot inputs and a loss linear in the
    prediction, step k moves exactly the kernel entry of the row it used."""

    def __init__(self):
        super().__init__()
        self.order, self._last = [], None

    def on_train_batch_begin(self, batch, logs=None):
        self._last = self.model.get_weights()[0][:, 0].copy()

    def on_train_batch_end(self, batch, logs=None):
        moved = np.flatnonzero(self.model.get_weights()[0][:, 0] != self._last)
        self.order.append(moved.tolist())


def _one_hot_fit(**fit_kwargs):
    rows = 10
    model = Sequential([Input((rows,)), Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=strata.optimizers.SGD(0.5), loss=lambda y, p: -strata.ops.sum(p * y, axis=-1))
    seen = RowsSeen()
    model.fit(np.eye(rows, dtype="float32"), np.ones((rows, 1), "float32"), batch_size=1, verbose=0,
              callbacks=[seen], **fit_kwargs)
    return seen.order, model.get_weights()[0][:, 0]


def test_shuffle_visits_every_training_row_once_per_epoch_in_a_new_order():
    order, kernel = _one_hot_fit(epochs=3, validation_split=0.2, shuffle=True)
    assert all(len(moved) == 1 for moved in order)
    epochs = [[moved[0] for moved in order[i * 8:(i + 1) * 8]] for i in range(3)]
    for epoch in epochs:
        assert sorted(epoch) == list(range(8))  # the 2 tail rows are validation only
    assert epochs[0] != list(range(8)) and len({tuple(e) for e in epochs}) == 3
    np.testing.assert_array_equal(kernel, [1.5] * 8 + [0.0, 0.0])  # 3 epochs x lr 0.5, tail never trained


def test_without_shuffle_rows_go_in_order_and_the_split_is_still_the_tail():
    order, kernel = _one_hot_fit(epochs=2, validation_split=0.3, shuffle=False)
    assert [moved[0] for moved in order] == list(range(7)) * 2
    np.testing.assert_array_equal(kernel, [1.0] * 7 + [0.0] * 3)


def test_validation_split_is_taken_before_shuffling():
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = x.sum(axis=1, keepdims=True)
    model = Sequential([Input((2,)), Dense(1)])
    model.compile(optimizer=strata.optimizers.SGD(0.0), loss="mse")  # weights never move
    history = model.fit(x, y, epochs=2, validation_split=0.2, shuffle=True, verbose=0)
    expected = model.evaluate(x[-2:], y[-2:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"], [expected] * 2, rtol=1e-6)
