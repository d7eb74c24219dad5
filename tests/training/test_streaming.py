"""Streamed data in fit/evaluate/predict: PyDataset, generators, iterables; Keras's rules for each."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import strata
from strata import layers
from strata.training.streaming import RAN_OUT

X = np.random.RandomState(0).standard_normal((100, 4)).astype("float32")
Y = (X.sum(axis=1) > 0).astype("float32")


def _model(lib=strata):
    model = lib.Sequential([lib.layers.Input((4,)), lib.layers.Dense(8, activation="relu"),
                            lib.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _dataset_class(lib):
    class Batches(lib.utils.PyDataset):
        """32-row batches of X, Y (the last has 4 rows); records every index it serves."""

        def __init__(self, n=4, log=None, epoch_ends=None, fail_at=None, **kwargs):
            super().__init__(**kwargs)
            self.n, self.log, self.epoch_ends, self.fail_at = n, log, epoch_ends, fail_at
            self.threads = set()

        def __len__(self):
            return self.n

        def __getitem__(self, index):
            if self.log is not None:
                self.log.append(index)
            self.threads.add(threading.current_thread().name)
            if index == self.fail_at:
                raise KeyError(f"no batch {index}")
            return X[index * 32:(index + 1) * 32], Y[index * 32:(index + 1) * 32]

        def on_epoch_end(self):
            if self.epoch_ends is not None:
                self.epoch_ends.append(1)

    return Batches


Batches = _dataset_class(strata)


def _generator(n=4):
    for i in range(n):
        yield X[i * 32:(i + 1) * 32], Y[i * 32:(i + 1) * 32]


def _same_weights(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))


@pytest.mark.parametrize("workers", [1, 3])
def test_pydataset_fit_equals_the_array_fit_bit_for_bit(workers):
    strata.utils.set_random_seed(1)
    arrays = _model()
    expected = arrays.fit(X, Y, epochs=3, batch_size=32, shuffle=False, verbose=0).history
    strata.utils.set_random_seed(1)
    streamed = _model()
    dataset = Batches(workers=workers)
    history = streamed.fit(dataset, epochs=3, shuffle=False, verbose=0).history
    assert history == expected  # the 4-row last batch is padded and masked like the array path's
    assert _same_weights(arrays, streamed)
    # Batches are read on background threads (only the first, read once to build and check, is not).
    assert dataset.threads - {"MainThread"} and all(t.startswith("strata-") for t in dataset.threads - {"MainThread"})
    assert streamed.evaluate(Batches(), verbose=0) == arrays.evaluate(X, Y, verbose=0)
    np.testing.assert_array_equal(streamed.predict(Batches(), verbose=0), arrays.predict(X, verbose=0))


def test_generator_and_iterable_fit_equal_the_array_fit():
    strata.utils.set_random_seed(1)
    arrays = _model()
    arrays.fit(X, Y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    strata.utils.set_random_seed(1)
    streamed = _model()
    streamed.fit(_generator(), epochs=1, shuffle=False, verbose=0)
    assert _same_weights(arrays, streamed)
    batches = [(X[i:i + 32], Y[i:i + 32]) for i in range(0, 100, 32)]
    assert streamed.evaluate(iter(batches), verbose=0) == arrays.evaluate(X, Y, verbose=0)
    np.testing.assert_array_equal(streamed.predict((b[0] for b in batches), verbose=0), arrays.predict(X, verbose=0))


def test_a_one_shot_generator_runs_out_after_one_epoch():
    model = _model()
    with pytest.warns(UserWarning, match="Your input ran out of data; interrupting training"):
        history = model.fit(_generator(), epochs=3, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 1


def test_steps_per_epoch_continues_an_infinite_generator():
    served = []

    def forever():
        i = 0
        while True:
            served.append(i)
            yield X[:8], Y[:8]
            i += 1

    model = _model()
    history = model.fit(forever(), steps_per_epoch=2, epochs=3, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 3
    assert served[:6] == [0, 1, 2, 3, 4, 5] and len(served) <= 6 + 1  # the first batch was peeked once


@pytest.mark.keras
def test_pydataset_order_and_hooks_match_keras(keras):
    """steps_per_epoch=2 over 3 batches for 3 epochs: [0,1] | [2] + warning | [0,1] in both."""
    logs = {}
    for lib in (keras, strata):
        log, ends = [], []
        dataset = _dataset_class(lib)(n=3, log=log, epoch_ends=ends)
        model = _model(lib)
        model(X[:2])
        with pytest.warns(UserWarning, match="Your input ran out of data"):
            model.fit(dataset, steps_per_epoch=2, epochs=3, shuffle=False, verbose=0)
        logs[lib.__name__] = (log, len(ends))
    keras_log, keras_ends = logs["keras"]
    strata_log, strata_ends = logs["strata"]
    assert strata_log == keras_log == [0, 0, 1, 2, 0, 1]  # both read batch 0 once first, to build
    assert strata_ends == keras_ends == 4  # on_epoch_end once before the first epoch, then per epoch


def test_shuffle_reorders_pydataset_batches_every_epoch_reproducibly():
    orders = []
    for _ in range(2):
        strata.utils.set_random_seed(3)
        log = []
        _model().fit(Batches(n=4, log=log), epochs=3, verbose=0)
        orders.append(log[1:])
    assert orders[0] == orders[1]
    epochs = [orders[0][i:i + 4] for i in range(0, 12, 4)]
    assert all(sorted(e) == [0, 1, 2, 3] for e in epochs)
    assert len({tuple(e) for e in epochs}) > 1


def test_rules_for_what_may_accompany_a_stream():
    model = _model()
    with pytest.raises(ValueError, match=r"When providing `x` as a PyDataset, `y` should not be passed"):
        model.fit(Batches(), Y, verbose=0)
    with pytest.raises(ValueError, match=r"`sample_weights` should not be passed"):
        model.fit(Batches(), sample_weight=np.ones(100), verbose=0)
    with pytest.raises(ValueError, match=r"`validation_split` is only supported for arrays, not for a generator.*"
                                         r"validation_data="):
        model.fit(_generator(), validation_split=0.2, shuffle=False, verbose=0)
    with pytest.warns(UserWarning, match=r"`shuffle=True` was passed, but will be ignored since the data `x` "
                                         r"was provided as a generator"):
        model.fit(_generator(), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"hold no targets: each batch must be a tuple `\(x, y\)`"):
        model.fit((X[i:i + 10] for i in range(3)), shuffle=False, verbose=0)
    with pytest.raises(ValueError, match=r"A batch must be `x`, `\(x,\)`, `\(x, y\)` or `\(x, y, sample_weight\)`"):
        model.fit(iter([(X[:4], Y[:4], None, None)]), shuffle=False, verbose=0)
    with pytest.raises(ValueError, match=r"produced no batches"):
        model.fit(iter([]), shuffle=False, verbose=0)


def test_an_error_inside_the_dataset_reaches_the_caller_unchanged():
    with pytest.raises(KeyError, match="no batch 2"):
        _model().fit(Batches(fail_at=2, workers=2), epochs=1, shuffle=False, verbose=0)


def test_forgetting_super_init_warns_as_keras_does():
    class Bare(strata.utils.PyDataset):
        def __init__(self):  # no super().__init__()
            self.size = 1

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return X[:8], Y[:8]

    with pytest.warns(UserWarning, match=r"should call `super\(\).__init__\(\*\*kwargs\)`"):
        _model().fit(Bare(), epochs=1, shuffle=False, verbose=0)


def test_validation_data_as_a_stream_and_sample_weights_in_batches():
    strata.utils.set_random_seed(2)
    arrays = _model()
    weights = np.linspace(0.5, 1.5, 100).astype("float32")
    expected = arrays.fit(X, Y, sample_weight=weights, epochs=2, batch_size=32, shuffle=False,
                          validation_data=(X[:50], Y[:50]), verbose=0).history
    strata.utils.set_random_seed(2)
    streamed = _model()
    batches = [(X[i:i + 32], Y[i:i + 32], weights[i:i + 32]) for i in range(0, 100, 32)]

    class Weighted(strata.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return len(batches)

        def __getitem__(self, index):
            return batches[index]

    val = [(X[:32], Y[:32]), (X[32:50], Y[32:50])]  # a short last batch of 18 rows

    class Val(strata.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return len(val)

        def __getitem__(self, index):
            return val[index]

    history = streamed.fit(Weighted(), epochs=2, shuffle=False, validation_data=Val(), verbose=0).history
    assert history.keys() == expected.keys()
    for key in expected:
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-6, atol=1e-7)


def test_a_long_stream_holds_a_bounded_number_of_batches():
    """10,000 batches of 1 MB stream through fit with flat memory (prefetch and dispatch are bounded)."""
    import resource

    rows, features = 256, 1024  # 1 MB of float32 per batch
    model = strata.Sequential([layers.Input((features,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")

    def batches(count):
        rng = np.random.default_rng(0)
        block = rng.standard_normal((rows, features), dtype=np.float32)
        target = np.zeros((rows, 1), np.float32)
        for _ in range(count):
            yield block.copy(), target  # a fresh 1 MB array each time, as a real reader makes

    model.fit(batches(200), epochs=1, shuffle=False, verbose=0)  # warm up: compile, allocator pools
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model.fit(batches(10_000), epochs=1, shuffle=False, verbose=0)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, f"peak memory grew by {grown_mb:.0f} MB over 10 GB of batches"


def test_grain_datasets_train_like_arrays():
    """Keras's TF-free dataset format: a Grain MapDataset (has a length) and an IterDataset (has none)."""
    grain = pytest.importorskip("grain")
    strata.utils.set_random_seed(1)
    arrays = _model()
    expected = arrays.fit(X, Y, epochs=2, batch_size=32, shuffle=False, verbose=0).history
    source = grain.MapDataset.source(np.arange(100)).map(lambda i: (X[i], Y[i])).batch(32)
    for dataset in (source, source.to_iter_dataset()):
        strata.utils.set_random_seed(1)
        model = _model()
        with pytest.warns(UserWarning, match="was provided as a grain.Dataset"):
            history = model.fit(dataset, epochs=2, verbose=0).history
        assert history == expected
        assert _same_weights(arrays, model)


def test_array_training_with_streamed_validation_data():
    strata.utils.set_random_seed(5)
    expected = _model().fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0,
                            validation_data=(X, Y)).history
    strata.utils.set_random_seed(5)
    history = _model().fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0,
                           validation_data=Batches()).history
    assert history == expected
