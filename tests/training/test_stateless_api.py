"""Keras 3's stateless APIs in strata: ``stateless_call``, ``compute_loss_and_updates``,
``Optimizer.stateless_apply``, the metric stateless methods, ``model.metrics`` and the execution of
overridden steps (fused, the short last batch, errors)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import strata
from strata import layers, metrics, ops
from strata.training import programs as strata_programs

from step_models import MeanStep


def _dense_model(lib=strata, regularizer=None):
    inputs = lib.Input(shape=(3,))
    hidden = lib.layers.Dense(4, activation="relu", kernel_regularizer=regularizer)(inputs)
    return lib.Model(inputs, lib.layers.Dense(1)(hidden))


# -- Layer.stateless_call ---------------------------------------------------------------------------
def test_stateless_call_reads_given_values_and_leaves_the_layer_alone():
    dense = layers.Dense(2, kernel_initializer="ones")
    dense.build((None, 3))
    before = [np.array(w) for w in dense.get_weights()]
    out, ntv = dense.stateless_call([jnp.full((3, 2), 2.0), jnp.ones((2,))], [], jnp.ones((1, 3)))
    np.testing.assert_allclose(out, [[7.0, 7.0]])
    assert ntv == []
    for w, b in zip(dense.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_stateless_call_returns_new_batchnorm_statistics_and_losses():
    bn = layers.BatchNormalization(momentum=0.5, gamma_regularizer="l2")
    bn.build((None, 2))
    tv = [v.value for v in bn.trainable_variables]
    ntv = [v.value for v in bn.non_trainable_variables]
    x = jnp.array([[1.0, 2.0], [3.0, 6.0]])
    out, new_ntv, losses = bn.stateless_call(tv, ntv, x, training=True, return_losses=True)
    np.testing.assert_allclose(new_ntv[0], [1.0, 2.0])  # moving mean: 0.5 * 0 + 0.5 * [2, 4]
    np.testing.assert_allclose(bn.moving_mean.value, [0.0, 0.0])
    np.testing.assert_allclose(losses[0], 0.01 * 2.0, rtol=1e-6)  # l2(0.01) of gamma = ones(2)
    assert out.shape == (2, 2)


def test_stateless_call_errors_name_the_fix():
    dense = layers.Dense(2)
    with pytest.raises(ValueError, match="must be built"):
        dense.stateless_call([], [], jnp.ones((1, 3)))
    dense.build((None, 3))
    with pytest.raises(ValueError, match="expects 2 trainable and 0 non-trainable values. Received: 1 and 0"):
        dense.stateless_call([jnp.ones((3, 2))], [], jnp.ones((1, 3)))


@pytest.mark.keras
def test_stateless_call_batchnorm_matches_keras(keras):
    kb = keras.layers.BatchNormalization()
    kb.build((None, 3))
    sb = layers.BatchNormalization()
    sb.build((None, 3))
    x = np.random.RandomState(0).rand(5, 3).astype("float32")
    k_out, k_ntv = kb.stateless_call([v.value for v in kb.trainable_variables],
                                     [v.value for v in kb.non_trainable_variables], x, training=True)
    s_out, s_ntv = sb.stateless_call([v.value for v in sb.trainable_variables],
                                     [v.value for v in sb.non_trainable_variables], x, training=True)
    np.testing.assert_allclose(s_out, k_out, rtol=1e-5, atol=1e-6)
    for s, k in zip(s_ntv, k_ntv):
        np.testing.assert_allclose(s, k, rtol=1e-6)


# -- Model.compute_loss_and_updates and the optimizer ----------------------------------------------
@pytest.mark.keras
def test_compute_loss_and_updates_and_stateless_apply_match_keras(keras):
    km = _dense_model(keras, regularizer="l2")
    sm = _dense_model(strata, regularizer="l2")
    sm.set_weights(km.get_weights())
    km.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse", metrics=["mae"])
    sm.compile(optimizer=strata.optimizers.Adam(0.1), loss="mse", metrics=["mae"])
    x = np.random.RandomState(1).rand(6, 3).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    results = []
    for model in (km, sm):
        model.optimizer.build(model.trainable_variables)  # before any fit: Keras's custom-loop idiom
        tv = [v.value for v in model.trainable_variables]
        ntv = [v.value for v in model.non_trainable_variables]
        mv = [v.value for v in model.metrics_variables]
        ov = [v.value for v in model.optimizer.variables]
        fn = jax.value_and_grad(model.compute_loss_and_updates, has_aux=True)
        (loss, (unscaled, y_pred, _, _)), grads = fn(tv, ntv, mv, x, y, None, training=True, optimizer_variables=ov)
        new_tv, new_ov = model.optimizer.stateless_apply(ov, grads, tv)
        results.append((loss, y_pred, grads, new_tv, new_ov, len(mv)))
    (kl, ky, kg, ktv, kov, kn), (sl, sy, sg, stv, sov, sn) = results
    assert kn == sn == 2  # the loss tracker's (total, count); compiled metrics build in fit
    np.testing.assert_allclose(sl, kl, rtol=1e-5)
    np.testing.assert_allclose(sy, ky, rtol=1e-5)
    for a, b in zip(sg + stv, kg + ktv):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert len(sov) == len(kov)
    for a, b in zip(sov, kov):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    # fit after a stateless use of compute_loss still builds the compiled metrics
    history = sm.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]


def test_apply_and_apply_gradients_equal_stateless_apply():
    model = _dense_model()
    grads = [jnp.full(v.shape, 0.5) for v in model.trainable_variables]
    values = [v.value for v in model.trainable_variables]
    pure = strata.optimizers.SGD(0.1, momentum=0.9)
    pure.build(model.trainable_variables)
    expected, _ = pure.stateless_apply([v.value for v in pure.variables], grads, values)
    for how in ("apply", "apply_gradients"):
        model.set_weights([np.asarray(v) for v in values])
        opt = strata.optimizers.SGD(0.1, momentum=0.9)
        if how == "apply":
            opt.apply(grads, model.trainable_variables)
        else:
            opt.apply_gradients(zip(grads, model.trainable_variables))
        for variable, value in zip(model.trainable_variables, expected):
            np.testing.assert_allclose(variable.value, value, rtol=1e-6)
    with pytest.raises(ValueError, match="must be built"):
        strata.optimizers.Adam().stateless_apply([], grads, values)


def test_ops_trace_inside_jit_and_grad():
    def loss(w, x):
        return ops.mean(ops.square(x @ w)) + ops.sum(ops.abs(w)) + ops.mean(ops.sqrt(ops.exp(w)))

    w = jnp.array([[0.5], [-1.0]])
    x = jnp.array([[1.0, 2.0], [3.0, 4.0]])
    value, grad = jax.jit(jax.value_and_grad(loss))(w, x)
    ref_value, ref_grad = jax.value_and_grad(
        lambda w, x: jnp.mean(jnp.square(x @ w)) + jnp.sum(jnp.abs(w)) + jnp.mean(jnp.sqrt(jnp.exp(w))))(w, x)
    np.testing.assert_allclose(value, ref_value, rtol=1e-6)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-6)


# -- metrics ----------------------------------------------------------------------------------------
_Y = np.array([[1.0], [0.0], [1.0], [1.0]], "float32")
_P = np.array([[0.8], [0.3], [0.4], [0.9]], "float32")
_LABELS = np.array([0, 2, 1, 1])
_PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1]], "float32")
_CASES = [
    (metrics.Mean, (_P,)),
    (metrics.MeanSquaredError, (_Y, _P)),
    (metrics.BinaryAccuracy, (_Y, _P)),
    (metrics.AUC, (_Y, _P)),
    (metrics.Precision, (_Y, _P)),
    (metrics.SparseCategoricalAccuracy, (_LABELS, _PROBS)),
]


@pytest.mark.parametrize("cls,args", _CASES, ids=[c.__name__ for c, _ in _CASES])
def test_stateless_metric_updates_equal_stateful_ones(cls, args):
    stateful, pure = cls(), cls()
    values = [v.value for v in pure.variables]
    update = jax.jit(lambda vs, *a: pure.stateless_update_state(vs, *a, sample_weight=jnp.array([1.0, 0.5, 2.0, 1.0])))
    for _ in range(2):
        stateful.update_state(*args, sample_weight=[1.0, 0.5, 2.0, 1.0])
        values = update(values, *args)
    np.testing.assert_allclose(pure.stateless_result(values), stateful.result(), rtol=1e-6)
    for a, b in zip(values, stateful.variables):
        np.testing.assert_allclose(a, b.value, rtol=1e-6)
    assert all(float(jnp.sum(jnp.abs(v.value))) == 0.0 for v in pure.variables)  # untouched
    for a, b in zip(pure.stateless_reset_state(), [np.zeros(v.shape) for v in pure.variables]):
        np.testing.assert_allclose(a, b)


def test_metric_with_a_back_reference_does_not_recurse():
    class Outer(metrics.Metric):
        def __init__(self):
            super().__init__(name="outer")
            self.inner = metrics.Mean(name="inner")
            self.inner.owner = self  # a reference cycle: once made every stateless call recurse forever

        def update_state(self, values, sample_weight=None):
            self.inner.update_state(values)

        def result(self):
            return self.inner.result()

    metric = Outer()
    assert [v.path for v in metric.variables] == ["inner/total", "inner/count"]
    values = metric.stateless_update_state([v.value for v in metric.variables], jnp.array([1.0, 3.0]))
    assert float(metric.stateless_result(values)) == 2.0
    metric.update_state(jnp.array([4.0]))
    metric.reset_state()
    assert [float(v) for v in metric.stateless_reset_state()] == [0.0, 0.0]
    assert float(metric.inner.count.value) == 0.0


class _Tracked(strata.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.loss_tracker = metrics.Mean(name="my_loss")

    def call(self, x):
        return self.dense(x)


@pytest.mark.keras
def test_model_metrics_order_and_results_follow_keras(keras):
    class KTracked(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.loss_tracker = keras.metrics.Mean(name="my_loss")

        def call(self, x):
            return self.dense(x)

    x = np.ones((4, 3), "float32")
    names = []
    for model in (KTracked(), _Tracked()):
        assert [m.name for m in model.metrics] == ["my_loss"]
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        model.fit(x, np.zeros((4, 1), "float32"), verbose=0)
        names.append([m.name for m in model.metrics])
        assert len(model.metrics_variables) == 6
        model.reset_metrics()
        assert all(float(np.sum(v.value)) == 0.0 for v in model.metrics_variables)
        assert set(model.get_metrics_result()) == {"loss", "mae", "my_loss"}
    assert names[0] == names[1] == ["loss", "compile_metrics", "my_loss"]


# -- running overridden steps -----------------------------------------------------------------------
class _MeanStep(MeanStep):
    """A train_step whose loss is a batch mean: wrong if the short last batch were padded."""


def _mean_step_model():
    inputs = strata.Input(shape=(2,))
    return _MeanStep(inputs, layers.Dense(1, kernel_initializer="ones")(inputs))


def test_override_runs_fused_once_and_sees_the_short_last_batch():
    x = np.arange(20, dtype="float32").reshape(10, 2) / 10
    y = np.ones((10, 1), "float32")
    fused = _mean_step_model()
    fused.compile(optimizer=strata.optimizers.SGD(0.01))
    before = strata_programs.TRACE_COUNTS["custom_train_epochs"]
    history = fused.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    assert strata_programs.TRACE_COUNTS["custom_train_epochs"] == before + 1  # one program, all epochs
    assert history.history["rows"] == [2.0, 2.0, 2.0]  # the last batch has 2 rows, as in Keras

    class EveryBatch(strata.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["rows"])

    seen = []
    stepwise = _mean_step_model()
    stepwise.compile(optimizer=strata.optimizers.SGD(0.01))
    other = stepwise.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[EveryBatch()])
    assert seen == [4.0, 4.0, 2.0] * 3
    np.testing.assert_allclose(other.history["loss"], history.history["loss"], rtol=1e-6)
    for a, b in zip(fused.get_weights(), stepwise.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_override_without_targets_and_a_full_dataset_in_one_short_batch():
    class Unsupervised(strata.Model):
        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x = data

            def loss_fn(tv):
                y_pred, new_ntv = self.stateless_call(tv, ntv, x)
                return ops.mean(ops.square(y_pred)), new_ntv

            (loss, ntv), grads = jax.value_and_grad(loss_fn, has_aux=True)(tv)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            return {"energy": loss}, (tv, ntv, ov, mv)

    inputs = strata.Input(shape=(2,))
    model = Unsupervised(inputs=inputs, outputs=layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    history = model.fit(np.ones((3, 2), "float32"), batch_size=8, epochs=4, verbose=0)
    assert len(history.history["energy"]) == 4
    assert history.history["energy"][-1] < history.history["energy"][0]


def test_step_returning_a_bad_state_or_logs_is_explained():
    class BadState(strata.Model):
        def train_step(self, state, data):
            return {"loss": 0.0}, state[:3]

    class BadLogs(strata.Model):
        def train_step(self, state, data):
            return [0.0], state

    x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    for cls, error, message in ((BadState, ValueError, r"must return `\(logs, state\)`"),
                                (BadLogs, TypeError, "logs of type list")):
        inputs = strata.Input(shape=(2,))
        model = cls(inputs, layers.Dense(1)(inputs))
        model.compile(optimizer="sgd", loss="mse")
        with pytest.raises(error, match=message):
            model.fit(x, y, verbose=0)


def test_functional_subclass_keeps_its_class_and_plain_subclasses_are_untouched():
    inputs = strata.Input(shape=(2,))
    model = _MeanStep(inputs=inputs, outputs=layers.Dense(1)(inputs))
    assert isinstance(model, _MeanStep) and isinstance(model, strata.Model)
    assert type(model).__name__ == "_MeanStep" and len(model.layers) == 2

    class TwoArgs(strata.Model):
        def __init__(self, units, scale):
            super().__init__()
            self.dense = layers.Dense(units)
            self.scale = scale

        def call(self, x):
            return self.dense(x) * self.scale

    plain = TwoArgs(3, 2.0)
    assert type(plain) is TwoArgs
    assert plain(np.ones((1, 2), "float32")).shape == (1, 3)


def test_functional_subclass_saves_and_loads_as_its_class(tmp_path):
    inputs = strata.Input(shape=(2,))
    model = _MeanStep(inputs, layers.Dense(1)(inputs))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = strata.saving.load_model(path, custom_objects={"_MeanStep": _MeanStep})
    assert isinstance(loaded, _MeanStep)
    x = np.ones((3, 2), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_overridden_steps_refuse_streamed_data_with_the_fix():
    def batches():
        while True:
            yield np.ones((4, 2), "float32"), np.ones((4, 1), "float32")

    model = _mean_step_model()
    model.compile(optimizer="sgd")
    with pytest.raises(NotImplementedError, match="Pass arrays to `fit`"):
        model.fit(batches(), steps_per_epoch=2, shuffle=False, verbose=0)
