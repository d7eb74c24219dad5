"""One batch per dispatch for a model with its own steps: straight programs, no device loop or branch."""

from __future__ import annotations

import numpy as np

import strata
from strata import layers, ops

from step_models import MeanStep


class _RowsStep(MeanStep):
    """A train_step and test_step whose logs count the batch rows (a padded batch would show)."""

    def test_step(self, state, data):
        tv, ntv, mv = state
        x, y = data
        y_pred, _ = self.stateless_call(tv, ntv, x, training=False)
        mv = self.tracker.stateless_update_state(mv, ops.mean(ops.abs(y_pred - y)))
        return {"loss": self.tracker.stateless_result(mv), "rows": ops.sum(ops.ones_like(y))}, (tv, ntv, mv)


def _model(weights=None):
    inputs = strata.Input(shape=(2,))
    hidden = layers.Dropout(0.5, seed=3)(layers.Dense(4, activation="relu")(inputs))
    model = _RowsStep(inputs, layers.Dense(1)(hidden))
    model.compile(optimizer=strata.optimizers.SGD(0.05))
    if weights is not None:
        model.set_weights(weights)
    return model


def _data():
    x = np.linspace(-1, 1, 20, dtype="float32").reshape(10, 2)
    return x, (x[:, :1] * 2 - x[:, 1:]).astype("float32")


def test_one_batch_per_dispatch_equals_the_fused_epochs_and_sees_the_short_batch():
    x, y = _data()
    fused = _model()
    stepwise = _model(fused.get_weights())
    programs = stepwise._custom_programs(x, y)
    programs.per_step = True  # as for a convolutional model on the CPU: every step its own dispatch
    seen = []

    class EveryBatch(strata.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["rows"])

        def on_test_batch_end(self, batch, logs=None):
            seen.append(-logs["rows"])

    expected = fused.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    got = stepwise.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[EveryBatch()])
    assert seen == [4.0, 4.0, 2.0] * 3
    np.testing.assert_allclose(got.history["loss"], expected.history["loss"], rtol=1e-6)
    for a, b in zip(stepwise.get_weights(), fused.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)

    seen.clear()
    evaluated = stepwise.evaluate(x, y, batch_size=4, verbose=0, return_dict=True, callbacks=[EveryBatch()])
    assert seen == [-4.0, -4.0, -2.0]
    reference = fused.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    assert evaluated["rows"] == reference["rows"] == 2.0
    np.testing.assert_allclose(evaluated["loss"], reference["loss"], rtol=1e-6)


def test_the_per_batch_programs_have_no_device_loop_or_branch():
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0,
              callbacks=[strata.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)])
    programs = model._custom_programs(x, y)
    state = model._read_state(programs)
    data = (x, y, None)
    perm = np.arange(12, dtype=np.int32)
    for key in (("train_step_at", 4), ("train_last_at", 4)):
        text = programs._jitted[key].lower(state, data, perm, np.int32(2)).compile().as_text()
        assert " while(" not in text and "conditional(" not in text, key
