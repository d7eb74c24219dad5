"""Callback hooks run at the right moments, with Keras's order and logs."""

import numpy as np
import pytest

from strata.callbacks import Callback, History
from strata.layers import Dense, Input
from strata.models import Sequential


class BatchRecorder(Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append(("on_train_begin",))

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("on_epoch_begin", epoch))

    def on_train_batch_begin(self, batch, logs=None):
        self.events.append(("on_train_batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("on_train_batch_end", batch, sorted(logs)))

    def on_test_begin(self, logs=None):
        self.events.append(("on_test_begin",))

    def on_test_batch_end(self, batch, logs=None):
        self.events.append(("on_test_batch_end", batch))

    def on_test_end(self, logs=None):
        self.events.append(("on_test_end", sorted(logs)))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("on_epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs=None):
        self.events.append(("on_train_end", sorted(logs)))


def _model():
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


X = np.random.RandomState(0).rand(8, 3).astype("float32")
Y = np.random.RandomState(1).rand(8, 1).astype("float32")


def test_hook_order_for_fit_with_validation_matches_keras():
    recorder = BatchRecorder()
    _model().fit(X, Y, batch_size=4, epochs=2, validation_data=(X[:2], Y[:2]), callbacks=[recorder], verbose=0)
    keys = ["loss", "mae"]
    epoch = lambda e: [("on_epoch_begin", e), ("on_train_batch_begin", 0), ("on_train_batch_end", 0, keys),  # noqa: E731
                       ("on_train_batch_begin", 1), ("on_train_batch_end", 1, keys), ("on_test_begin",),
                       ("on_test_batch_end", 0), ("on_test_end", keys),
                       ("on_epoch_end", e, keys + ["val_loss", "val_mae"])]
    assert recorder.events == [("on_train_begin",)] + epoch(0) + epoch(1) + [
        ("on_train_end", keys + ["val_loss", "val_mae"])]


def test_batch_logs_are_running_means_as_in_keras():
    class LossTracker(Callback):
        def on_train_begin(self, logs=None):
            self.batch_losses = []

        def on_train_batch_end(self, batch, logs=None):
            self.batch_losses.append(logs["loss"])

    tracker = LossTracker()
    model = _model()
    history = model.fit(X, Y, batch_size=2, epochs=1, shuffle=False, callbacks=[tracker], verbose=0)
    assert len(tracker.batch_losses) == 4
    # The last running mean is the epoch loss.
    assert tracker.batch_losses[-1] == pytest.approx(history.history["loss"][0], rel=1e-6)


def test_epoch_only_callback_sees_up_to_date_weights_and_can_stop_training():
    class StopAfterTwo(Callback):
        def __init__(self):
            super().__init__()
            self.kernels = []

        def on_epoch_end(self, epoch, logs=None):
            self.kernels.append(self.model.layers[0].get_weights()[0].copy())
            if epoch == 1:
                self.model.stop_training = True

    stopper = StopAfterTwo()
    model = _model()
    history = model.fit(X, Y, epochs=10, callbacks=[stopper], verbose=0)
    assert history.epoch == [0, 1]
    assert not np.array_equal(stopper.kernels[0], stopper.kernels[1])
    np.testing.assert_array_equal(stopper.kernels[1], model.layers[0].get_weights()[0])


def test_history_is_returned_and_set_on_the_model_and_a_second_fit_continues():
    model = _model()
    first = model.fit(X, Y, epochs=3, verbose=0)
    assert isinstance(first, History) and model.history is first
    assert first.params == {"verbose": 0, "epochs": 3, "steps": 1}
    assert sorted(first.history) == ["loss", "mae"] and len(first.history["loss"]) == 3
    second = model.fit(X, Y, epochs=5, initial_epoch=3, verbose=0)
    assert second.epoch == [3, 4]
    assert second.history["loss"][0] < first.history["loss"][0]
    assert all(isinstance(v, float) for v in second.history["loss"])


def test_fused_and_stepwise_execution_give_identical_results():
    class EpochHook(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class BatchHook(Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    from strata.utils import set_random_seed

    results = []
    for callbacks in ([], [EpochHook()], [BatchHook()]):
        set_random_seed(5)  # same weights and the same shuffling order in each mode
        model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)])
        model.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.get_weights())])
        model.compile(optimizer="adam", loss="mse")
        history = model.fit(X, Y, batch_size=3, epochs=4, callbacks=callbacks, verbose=0,
                            validation_data=(X, Y))
        results.append((history.history, [w.tolist() for w in model.get_weights()]))
    assert results[0] == results[1] == results[2]


def test_callbacks_must_be_callback_instances():
    with pytest.raises(TypeError, match=r"`callbacks` must be a list of `strata.callbacks.Callback` instances"):
        _model().fit(X, Y, callbacks=[print], verbose=0)


def test_predict_and_evaluate_hooks():
    class Hooks(Callback):
        def __init__(self):
            super().__init__()
            self.events = []

        def on_predict_begin(self, logs=None):
            self.events.append("predict_begin")

        def on_predict_end(self, logs=None):
            self.events.append("predict_end")

        def on_test_begin(self, logs=None):
            self.events.append("test_begin")

        def on_test_end(self, logs=None):
            self.events.append("test_end")

    hooks = Hooks()
    model = _model()
    model.predict(X, callbacks=[hooks], verbose=0)
    model.evaluate(X, Y, callbacks=[hooks], verbose=0)
    assert hooks.events == ["predict_begin", "predict_end", "test_begin", "test_end"]


def test_hooks_written_without_a_logs_default_get_a_dict():
    """Keras passes a logs dict to every hook, so course callbacks often omit the default."""
    import numpy as np

    from strata.callbacks import Callback
    from strata.layers import Dense, Input
    from strata.models import Sequential

    seen = []

    class Strict(Callback):
        def on_train_begin(self, logs):
            seen.append(("train_begin", logs))

        def on_epoch_begin(self, epoch, logs):
            seen.append(("epoch_begin", logs))

        def on_test_begin(self, logs):
            seen.append(("test_begin", logs))

        def on_predict_begin(self, logs):
            seen.append(("predict_begin", logs))

        def on_predict_end(self, logs):
            seen.append(("predict_end", logs))

    x = np.zeros((4, 2), "float32")
    model = Sequential([Input((2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros(4), epochs=1, verbose=0, validation_data=(x, np.zeros(4)), callbacks=[Strict()])
    model.predict(x, verbose=0, callbacks=[Strict()])
    assert [name for name, _ in seen] == ["train_begin", "epoch_begin", "test_begin", "predict_begin", "predict_end"]
    assert all(logs == {} for _, logs in seen)


def _batch_hook_recorder(lib):
    class Recorder(lib.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events = []

        def on_predict_batch_begin(self, batch, logs=None):
            self.events.append(("predict_batch_begin", batch))

        def on_predict_batch_end(self, batch, logs=None):
            self.events.append(("predict_batch_end", batch, np.asarray(logs["outputs"]).tolist()))

        def on_test_batch_begin(self, batch, logs=None):
            self.events.append(("test_batch_begin", batch))

        def on_test_batch_end(self, batch, logs=None):
            self.events.append(("test_batch_end", batch, sorted(logs)))

    return Recorder()


@pytest.mark.keras
def test_predict_and_evaluate_batch_hooks_match_keras(keras):
    import strata

    x = np.random.RandomState(2).rand(10, 3).astype("float32")
    y = np.random.RandomState(3).rand(10, 1).astype("float32")
    events = {}
    for name, lib in (("keras", keras), ("strata", strata)):
        model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        recorder = _batch_hook_recorder(lib)
        model.predict(x, batch_size=4, verbose=0, callbacks=[recorder])
        model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[recorder])
        events[name] = recorder.events
    # 10 rows in batches of 4: three batches, each with its begin and end, outputs for its rows only.
    assert [e[:2] for e in events["strata"]] == [e[:2] for e in events["keras"]]
    assert [e[1] for e in events["strata"] if e[0] == "predict_batch_end"] == [0, 1, 2]
    for ours, theirs in zip(events["strata"], events["keras"]):
        if ours[0] == "predict_batch_end":
            np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)  # float32; same weights
        elif ours[0] == "test_batch_end":
            assert ours[2] == theirs[2]


@pytest.mark.keras
def test_callback_has_every_keras_hook(keras):
    hooks = {name for name in dir(keras.callbacks.Callback) if name.startswith("on_")}
    assert hooks <= {name for name in dir(Callback) if name.startswith("on_")}
