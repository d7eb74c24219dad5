"""LambdaCallback and TerminateOnNaN behave as Keras's."""

import numpy as np
import pytest

from strata.callbacks import CallbackList, LambdaCallback, TerminateOnNaN
from strata.layers import Dense, Input
from strata.models import Sequential
from strata.optimizers import SGD

X = np.random.RandomState(0).rand(16, 3).astype("float32")
Y = np.random.RandomState(1).rand(16, 1).astype("float32")


def _model():
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


# -- LambdaCallback ----------------------------------------------------------------------------------
def _recording_lambda(events, module):
    # Keras passes batch logs by keyword (``logs=``), strata positionally: record either.
    rec = lambda name: (lambda *args, **kwargs: events.append((name,) + tuple(  # noqa: E731
        sorted(a) if isinstance(a, dict) else a for a in args + tuple(kwargs.values()))))
    return module.LambdaCallback(
        on_epoch_begin=rec("epoch_begin"), on_epoch_end=rec("epoch_end"), on_train_begin=rec("train_begin"),
        on_train_end=rec("train_end"), on_train_batch_begin=rec("batch_begin"), on_train_batch_end=rec("batch_end"),
        on_test_begin=rec("test_begin"), on_test_end=rec("test_end"))


@pytest.mark.keras
def test_lambda_hooks_get_the_same_calls_as_in_keras(keras):
    import strata.callbacks

    ours, theirs = [], []
    fit_args = dict(batch_size=8, epochs=2, shuffle=False, validation_data=(X[:4], Y[:4]), verbose=0)
    _model().fit(X, Y, callbacks=[_recording_lambda(ours, strata.callbacks)], **fit_args)
    k_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    k_model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    k_model.fit(X, Y, callbacks=[_recording_lambda(theirs, keras.callbacks)], **fit_args)
    assert ours == theirs
    assert ours[:4] == [("train_begin", []), ("epoch_begin", 0, []), ("batch_begin", 0, []),
                        ("batch_end", 0, ["loss", "mae"])]


def test_hooks_not_given_are_not_overridden_so_epoch_only_lambdas_stay_fused():
    epoch_only = LambdaCallback(on_epoch_end=lambda epoch, logs: None, on_train_batch_begin=None)
    assert not epoch_only._needs_train_batches
    assert "on_train_batch_begin" not in vars(epoch_only)
    assert not CallbackList([epoch_only]).needs_train_batches
    assert LambdaCallback(on_train_batch_end=lambda batch, logs: None)._needs_train_batches
    assert LambdaCallback(on_batch_end=lambda batch, logs: None)._needs_train_batches
    assert LambdaCallback(on_test_batch_end=lambda batch, logs: None)._needs_test_batches


def test_epoch_only_lambda_sees_every_epoch_without_per_batch_dispatch(monkeypatch):
    from strata.training import fit_loop

    per_batch_flags = []
    original = fit_loop.FitRun._run_epoch_chunks

    def spy(self, program, perm, per_batch):
        per_batch_flags.append(per_batch)
        return original(self, program, perm, per_batch)

    monkeypatch.setattr(fit_loop.FitRun, "_run_epoch_chunks", spy)
    losses = []
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append((epoch, logs["loss"])))
    history = _model().fit(X, Y, batch_size=4, epochs=3, verbose=0, callbacks=[callback])
    assert [e for e, _ in losses] == [0, 1, 2]
    assert [loss for _, loss in losses] == history.history["loss"]
    assert per_batch_flags == [False, False, False]  # one dispatch per epoch, not one per batch


def test_kwargs_install_other_hooks_for_evaluate_and_predict():
    events = []
    callback = LambdaCallback(
        on_test_batch_end=lambda batch, logs: events.append(("test_batch_end", batch, sorted(logs))),
        on_test_end=lambda logs: events.append(("test_end", sorted(logs))),
        on_predict_begin=lambda logs: events.append(("predict_begin",)),
        on_predict_end=lambda logs: events.append(("predict_end",)))
    model = _model()
    model.evaluate(X, Y, batch_size=8, verbose=0, callbacks=[callback])
    model.predict(X, batch_size=8, verbose=0, callbacks=[callback])
    assert events == [("test_batch_end", 0, ["loss", "mae"]), ("test_batch_end", 1, ["loss", "mae"]),
                      ("test_end", ["loss", "mae"]), ("predict_begin",), ("predict_end",)]


def test_other_keyword_arguments_become_attributes_like_keras():
    callback = LambdaCallback(on_epoch_end=print, note="kept")
    assert callback.note == "kept"
    assert callback.on_epoch_end.__wrapped__ is print


def test_functions_always_receive_logs_positionally_as_keras_passes_them():
    calls = []
    callback = LambdaCallback(on_train_begin=lambda logs: calls.append(("begin", logs)),
                              on_epoch_begin=lambda epoch, logs: calls.append(("epoch", epoch, logs)),
                              on_train_batch_end=lambda batch, logs: calls.append(("batch", batch, logs)))
    callback.on_train_begin()
    callback.on_epoch_begin(2)
    callback.on_train_batch_end(1, logs={"loss": 1.0})
    assert calls == [("begin", {}), ("epoch", 2, {}), ("batch", 1, {"loss": 1.0})]


def test_misspelled_hook_and_non_callable_are_rejected():
    with pytest.raises(ValueError, match="Unknown callback hook `on_epoch_ends`.*Received: on_epoch_ends="):
        LambdaCallback(on_epoch_ends=lambda epoch, logs: None)
    with pytest.raises(TypeError, match="must be callables. Received: on_epoch_end=3"):
        LambdaCallback(on_epoch_end=3)


def test_lambda_can_stop_training_through_the_model():
    model = _model()
    stopper = LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", epoch == 1))
    history = model.fit(X, Y, batch_size=8, epochs=5, verbose=0, callbacks=[stopper])
    assert history.epoch == [0, 1]


# -- TerminateOnNaN ----------------------------------------------------------------------------------
# Inputs large enough that SGD with learning_rate=0.6 diverges: the loss overflows to inf in the
# third epoch, batch 1 (64 rows, 8 batches per epoch; fixed initial weights).
XD = np.random.RandomState(0).rand(64, 3).astype("float32") * 4
YD = np.random.RandomState(1).rand(64, 1).astype("float32") * 4


def _diverging_pair(keras):
    k_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    k_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.6), loss="mse")
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer=SGD(learning_rate=0.6), loss="mse")
    weights = [np.array([[0.1], [-0.2], [0.3]], "float32"), np.array([0.05], "float32")]
    k_model.set_weights(weights)
    model.set_weights(weights)
    return model, k_model


def _fit_with_nan_guard(model, module):
    seen = []
    tracker = module.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(logs["loss"]))
    history = model.fit(XD, YD, batch_size=8, epochs=6, shuffle=False, verbose=0,
                        callbacks=[module.callbacks.TerminateOnNaN(), tracker])
    return history, seen


@pytest.mark.keras
def test_diverging_training_stops_at_the_same_batch_as_keras_with_keras_line(keras, capsys):
    import strata

    model, k_model = _diverging_pair(keras)
    history, seen = _fit_with_nan_guard(model, strata)
    ours = capsys.readouterr().out
    k_history, k_seen = _fit_with_nan_guard(k_model, keras)
    theirs = capsys.readouterr().out
    first_line = theirs.splitlines()[0]
    assert first_line == "Batch 1: Invalid loss, terminating training"
    assert ours.splitlines()[0] == first_line
    assert ours == theirs
    assert history.epoch == k_history.epoch == [0, 1, 2]  # shorter than epochs=6
    assert len(seen) == len(k_seen) == 18  # stops right after epoch 2, batch 1
    assert not np.isfinite(history.history["loss"][-1])
    np.testing.assert_allclose(history.history["loss"][:-1], k_history.history["loss"][:-1], rtol=1e-4)
    # The finite batch losses before the overflow agree with Keras's.
    np.testing.assert_allclose(seen[:16], k_seen[:16], rtol=1e-4)


def test_raise_error_raises_at_the_bad_batch():
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer=SGD(learning_rate=0.6), loss="mse")
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch \d+\. Loss value: (inf|nan)"):
        model.fit(XD, YD, batch_size=8, epochs=6, shuffle=False, verbose=0,
                  callbacks=[TerminateOnNaN(raise_error=True)])


def test_finite_loss_trains_all_epochs_silently(capsys):
    history = _model().fit(X, Y, batch_size=8, epochs=3, verbose=0, callbacks=[TerminateOnNaN()])
    assert history.epoch == [0, 1, 2]
    assert capsys.readouterr().out == ""


def test_nan_and_missing_loss_in_logs():
    model = _model()
    guard = TerminateOnNaN()
    guard.set_model(model)
    guard.on_train_batch_end(3, {"mae": float("nan")})  # no loss: nothing to check
    assert not model.stop_training
    guard.on_train_batch_end(4, {"loss": float("nan")})
    assert model.stop_training
