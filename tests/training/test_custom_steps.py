"""Overridden train/test/predict steps and custom jax.jit loops, against real Keras 3 (JAX backend).

Each program is written once as a function of the library (``keras`` or ``strata``), exactly as a
Keras user writes it; both libraries run it from the same initial weights on the same data with
``shuffle=False``.  Histories agree to ``rtol=1e-5`` (float32 round-off of the same computation).
"""

import jax
import numpy as np
import pytest

import strata

pytestmark = pytest.mark.keras

RTOL = 1e-5


def _data(rows=50, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(rows, 4).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")
    return x, y


def _model_classes(lib):
    """The Keras guide's JAX custom-step patterns, written against ``lib``."""
    ops = lib.ops

    class MetricsLoopModel(lib.Model):
        """``train_step`` looping over ``self.metrics`` (loss tracker + ``compile_metrics``)."""

        def _loss_and_updates(self, tv, ntv, x, y, training=False):
            y_pred, ntv = self.stateless_call(tv, ntv, x, training=training)
            return self.compute_loss(x, y, y_pred), (y_pred, ntv)

        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x, y = data
            grad_fn = jax.value_and_grad(self._loss_and_updates, has_aux=True)
            (loss, (y_pred, ntv)), grads = grad_fn(tv, ntv, x, y, training=True)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            new_mv, logs = [], {}
            for metric in self.metrics:
                this = mv[len(new_mv):len(new_mv) + len(metric.variables)]
                if metric.name == "loss":
                    this = metric.stateless_update_state(this, loss)
                else:
                    this = metric.stateless_update_state(this, y, y_pred)
                logs[metric.name] = metric.stateless_result(this)
                new_mv += this
            return logs, (tv, ntv, ov, new_mv)

    class OwnMetricsModel(lib.Model):
        """Lower level: own loss function, loss tracker and MAE metric, compiled without a loss."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = lib.metrics.Mean(name="loss")
            self.mae_metric = lib.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = lib.losses.MeanSquaredError()

        def _loss_and_updates(self, tv, ntv, x, y):
            y_pred, ntv = self.stateless_call(tv, ntv, x, training=True)
            return self.loss_fn(y, y_pred), (y_pred, ntv)

        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x, y = data
            (loss, (y_pred, ntv)), grads = jax.value_and_grad(self._loss_and_updates, has_aux=True)(tv, ntv, x, y)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            loss_vars = self.loss_tracker.stateless_update_state(mv[:2], loss)
            mae_vars = self.mae_metric.stateless_update_state(mv[2:], y, y_pred)
            logs = {"loss": self.loss_tracker.stateless_result(loss_vars),
                    "mae": self.mae_metric.stateless_result(mae_vars)}
            return logs, (tv, ntv, ov, loss_vars + mae_vars)

        def test_step(self, state, data):
            tv, ntv, mv = state
            x, y = data
            y_pred, ntv = self.stateless_call(tv, ntv, x, training=False)
            loss = ops.mean(ops.abs(y_pred - y)) * 10.0
            loss_vars = self.loss_tracker.stateless_update_state(mv[:2], loss)
            logs = {"loss": self.loss_tracker.stateless_result(loss_vars), "last": loss}
            return logs, (tv, ntv, loss_vars + mv[2:])

        def predict_step(self, state, data):
            tv, ntv = state
            x = data[0] if isinstance(data, tuple) else data
            y_pred, ntv = self.stateless_call(tv, ntv, x, training=False)
            return {"pred": y_pred, "double": 2.0 * y_pred + ops.mean(x)}, ntv

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    class OverridesLossModel(lib.Model):
        """Only ``compute_loss`` is overridden; Keras's own train/test steps call it."""

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return ops.mean(ops.square(y_pred - y)) + 0.1 * ops.mean(ops.abs(y_pred))

    return MetricsLoopModel, OwnMetricsModel, OverridesLossModel


def _build(lib, cls, keywords=False):
    inputs = lib.Input(shape=(4,))
    hidden = lib.layers.Dense(8, activation="relu")(inputs)
    outputs = lib.layers.Dense(1)(hidden)
    return cls(inputs=inputs, outputs=outputs) if keywords else cls(inputs, outputs)


def _pair(keras, index, keywords=False):
    km = _build(keras, _model_classes(keras)[index], keywords)
    sm = _build(strata, _model_classes(strata)[index], keywords)
    sm.set_weights(km.get_weights())
    return km, sm


def _assert_history(kh, sh):
    assert sorted(kh.history) == sorted(sh.history)
    for key in kh.history:
        np.testing.assert_allclose(sh.history[key], kh.history[key], rtol=RTOL, atol=1e-6, err_msg=key)


def test_train_step_looping_over_metrics_matches_keras_with_validation(keras):
    km, sm = _pair(keras, 0)
    x, y = _data()
    vx, vy = _data(21, seed=1)
    for model, lib in ((km, keras), (sm, strata)):
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    kh = km.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(vx, vy))
    sh = sm.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(vx, vy))
    assert sorted(sh.history) == ["loss", "mae", "val_loss", "val_mae"]
    _assert_history(kh, sh)
    for kw, sw in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(sw, kw, rtol=1e-4, atol=1e-6)
    assert [m.name for m in sm.metrics] == [m.name for m in km.metrics] == ["loss", "compile_metrics"]


def test_train_step_with_own_metrics_and_no_compiled_loss_matches_keras(keras):
    km, sm = _pair(keras, 1, keywords=True)
    x, y = _data()
    km.compile(optimizer=keras.optimizers.SGD(0.05))
    sm.compile(optimizer=strata.optimizers.SGD(0.05))
    kh = km.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    sh = sm.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    _assert_history(kh, sh)
    # Keras syncs the metric state into the metric objects after fit.
    np.testing.assert_allclose(float(sm.loss_tracker.result()), float(km.loss_tracker.result()), rtol=RTOL)
    assert len(sm.metrics_variables) == len(km.metrics_variables) == 4
    assert sm.metrics_names == km.metrics_names == ["loss", "mae"]


def test_test_step_override_in_evaluate_and_validation_matches_keras(keras):
    km, sm = _pair(keras, 1)
    x, y = _data()
    vx, vy = _data(21, seed=2)
    km.compile(optimizer=keras.optimizers.SGD(0.05))
    sm.compile(optimizer=strata.optimizers.SGD(0.05))
    k_eval = km.evaluate(vx, vy, batch_size=8, verbose=0, return_dict=True)
    s_eval = sm.evaluate(vx, vy, batch_size=8, verbose=0, return_dict=True)
    assert sorted(s_eval) == sorted(k_eval) == ["last", "loss"]
    for key in k_eval:
        np.testing.assert_allclose(s_eval[key], k_eval[key], rtol=RTOL)
    np.testing.assert_allclose(sm.evaluate(vx, vy, batch_size=8, verbose=0),
                               km.evaluate(vx, vy, batch_size=8, verbose=0), rtol=RTOL)
    kh = km.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(vx, vy),
                validation_batch_size=8)
    sh = sm.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(vx, vy),
                validation_batch_size=8)
    assert sorted(sh.history) == ["loss", "mae", "val_last", "val_loss"]
    _assert_history(kh, sh)


def test_predict_step_override_matches_keras_with_a_short_last_batch(keras):
    km, sm = _pair(keras, 1)
    x, _ = _data(37)
    k_out = km.predict(x, batch_size=16, verbose=0)
    s_out = sm.predict(x, batch_size=16, verbose=0)
    assert sorted(s_out) == ["double", "pred"]
    for key in k_out:
        assert s_out[key].shape == k_out[key].shape == (37, 1)
        np.testing.assert_allclose(s_out[key], k_out[key], rtol=RTOL, atol=1e-6)


def test_compute_loss_override_runs_in_default_steps_like_keras(keras):
    km, sm = _pair(keras, 2)
    x, y = _data()
    for model, lib in ((km, keras), (sm, strata)):
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    kh = km.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_split=0.2)
    sh = sm.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_split=0.2)
    _assert_history(kh, sh)


def _custom_loop(lib, model, x, y, steps=6, batch_size=16):
    """A hand-written training loop: jax.jit, stateless_call, stateless_apply, a stateless metric."""
    optimizer = lib.optimizers.Adam(learning_rate=0.01)
    loss_fn = lib.losses.MeanSquaredError()
    metric = lib.metrics.MeanAbsoluteError()
    optimizer.build(model.trainable_variables)

    def compute_loss_and_updates(tv, ntv, xb, yb):
        y_pred, ntv = model.stateless_call(tv, ntv, xb, training=True)
        return loss_fn(yb, y_pred), (y_pred, ntv)

    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, xb, yb):
        tv, ntv, ov, mv = state
        (loss, (y_pred, ntv)), grads = grad_fn(tv, ntv, xb, yb)
        tv, ov = optimizer.stateless_apply(ov, grads, tv)
        mv = metric.stateless_update_state(mv, yb, y_pred)
        return loss, (tv, ntv, ov, mv)

    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables], [v.value for v in metric.variables])
    losses = []
    for step in range(steps):
        start = (step * batch_size) % len(x)
        loss, state = train_step(state, x[start:start + batch_size], y[start:start + batch_size])
        losses.append(float(loss))
    tv, ntv, ov, mv = state
    for variable, value in zip(model.trainable_variables, tv):
        variable.assign(value)
    for variable, value in zip(model.non_trainable_variables, ntv):
        variable.assign(value)
    return losses, float(metric.stateless_result(mv))


def test_custom_jit_loop_gives_keras_weights(keras):
    km = _build(keras, keras.Model)
    sm = _build(strata, strata.Model)
    sm.set_weights(km.get_weights())
    x, y = _data(64)
    k_losses, k_mae = _custom_loop(keras, km, x, y)
    s_losses, s_mae = _custom_loop(strata, sm, x, y)
    np.testing.assert_allclose(s_losses, k_losses, rtol=RTOL)
    np.testing.assert_allclose(s_mae, k_mae, rtol=RTOL)
    for kw, sw in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(sw, kw, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(sm.predict(x[:5], verbose=0), km.predict(x[:5], verbose=0), rtol=1e-4, atol=1e-6)


def _dropout_model(lib):
    inputs = lib.Input(shape=(4,))
    hidden = lib.layers.Dropout(0.5)(lib.layers.Dense(16, activation="relu")(inputs))
    return lib.Model(inputs, lib.layers.Dense(1)(hidden))


def test_seed_states_are_non_trainable_variables_as_in_keras(keras):
    """Keras 3 lists each random layer's ``seed_generator_state`` in ``variables`` and
    ``non_trainable_variables`` (so a custom loop threads it), never in ``weights``."""
    km, sm = _dropout_model(keras), _dropout_model(strata)
    for attribute in ("weights", "non_trainable_weights", "variables", "non_trainable_variables"):
        assert ([(tuple(v.shape), str(v.dtype)) for v in getattr(sm, attribute)]
                == [(tuple(v.shape), str(v.dtype)) for v in getattr(km, attribute)]), attribute
    assert sm.non_trainable_variables[0].name == km.non_trainable_variables[0].name == "seed_generator_state"
    assert sm.count_params() == km.count_params()


def test_custom_jit_loop_with_dropout_draws_new_masks_and_trains_as_fit():
    """The loop threads the seed state: every step gets a new mask, and the same masks as ``fit``'s
    steps for the same seed, so the weights equal those of ``fit(shuffle=False)`` exactly."""
    x, y = _data(64)

    def build():
        strata.utils.set_random_seed(5)
        model = _dropout_model(strata)
        model.compile(optimizer=strata.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
        return model

    fitted = build()
    fitted.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    looped = build()
    losses, _ = _custom_loop(strata, looped, x, y, steps=4)
    for fw, lw in zip(fitted.get_weights(), looped.get_weights()):
        np.testing.assert_array_equal(lw, fw)
    state = looped.non_trainable_variables[0].numpy()
    assert state[1] == 4  # advanced once per step

    # The masks really differ between steps: one batch twice gives two different losses.
    strata.utils.set_random_seed(5)
    model = _dropout_model(strata)
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]
    call = jax.jit(lambda tv, ntv: model.stateless_call(tv, ntv, x[:16], training=True))
    first, ntv = call(tv, ntv)
    second, ntv = call(tv, ntv)
    assert not np.array_equal(np.asarray(first), np.asarray(second))
