"""lr_find: one compiled sweep equal to a per-step loop, weights and optimizer state restored."""

import numpy as np
import pytest

import strata
from strata.tuner.lr_find import LRFindResult, lr_find, sweep_rates


@pytest.fixture(scope="module")
def housing():
    from strata.datasets import california_housing

    (x, y), _ = california_housing.load_data()
    x, y = x[:1000], y[:1000] / 100_000
    return ((x - x.mean(0)) / x.std(0)).astype("float32"), y.astype("float32")


def _model(optimizer):
    model = strata.Sequential([strata.Input((8,)), strata.layers.Dense(16, activation="relu"),
                               strata.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _snapshot(model):
    return [np.array(w) for w in model.get_weights()], [np.array(v.numpy()) for v in model.optimizer.variables]


def _assert_same(before, after):
    for a, b in zip(before[0] + before[1], after[0] + after[1]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert len(before[1]) == len(after[1])


def test_sweep_equals_a_per_step_reference_loop_and_restores_state(housing):
    x, y = housing
    model = _model(strata.optimizers.Adam(learning_rate=1e-3))
    model.fit(x[:64], y[:64], epochs=1, batch_size=32, verbose=0)  # non-trivial optimizer state
    before = _snapshot(model)
    result = lr_find(model, x, y, min_lr=1e-4, max_lr=10.0, steps=80, batch_size=32, shuffle=False)
    _assert_same(before, _snapshot(model))
    np.testing.assert_allclose(result.lrs, sweep_rates(1e-4, 10.0, 80)[:len(result.lrs)], rtol=0)
    reference = []
    for i, rate in enumerate(result.lrs):  # the hand-written sweep: set the rate, train one batch
        model.optimizer.learning_rate = float(rate)
        b = i % 32  # 1000 rows: 31 full batches and one of 8 rows
        reference.append(model.train_on_batch(x[b * 32:(b + 1) * 32], y[b * 32:(b + 1) * 32]))
    np.testing.assert_allclose(result.losses, np.array(reference, np.float32), rtol=1e-5, atol=1e-5)


def test_sweep_stops_when_the_loss_explodes_and_suggests_a_tenth_of_the_best_rate(housing):
    x, y = housing
    model = _model(strata.optimizers.SGD(learning_rate=0.01))
    before = _snapshot(model)
    result = lr_find(model, x, y, min_lr=1e-5, max_lr=10.0)  # default: one epoch of batches, shuffled
    _assert_same(before, _snapshot(model))
    assert result.stopped_early and 5 < len(result.lrs) < 32
    assert len(result.losses) == len(result.smoothed_losses) == len(result.lrs)
    assert result.smoothed_losses[-1] > 4 * result.smoothed_losses.min() or not np.isfinite(result.losses[-1])
    assert result.suggestion == pytest.approx(result.lrs[np.argmin(result.smoothed_losses)] / 10)
    # the smoothed curve is the bias-corrected moving average of the raw losses
    average = 0.0
    for i, loss in enumerate(result.losses):
        average = 0.98 * average + 0.02 * loss
        assert result.smoothed_losses[i] == pytest.approx(average / (1 - 0.98 ** (i + 1)), rel=1e-5)
    full = lr_find(model, x, y, min_lr=1e-5, max_lr=0.05, steps=40, stop_factor=None)
    assert len(full.lrs) == 40 and not full.stopped_early


def test_plot_has_a_log_x_axis_and_marks_the_suggestion():
    from matplotlib.figure import Figure

    result = LRFindResult(np.geomspace(1e-4, 1.0, 20), np.linspace(3, 1, 20), np.linspace(3, 1, 20), 1e-2, False)
    figure = result.plot()
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_xlabel() == "Learning rate"
    marked = [line for line in axes.get_lines() if list(line.get_xdata()) == [1e-2, 1e-2]]
    assert len(marked) == 1


def test_errors_name_the_problem(housing):
    x, y = housing
    model = strata.Sequential([strata.Input((8,)), strata.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compiled model"):
        lr_find(model, x, y)
    schedule = strata.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    model.compile(optimizer=strata.optimizers.SGD(learning_rate=schedule), loss="mse")
    with pytest.raises(ValueError, match="float `learning_rate`"):
        lr_find(model, x, y)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="0 < min_lr < max_lr. Received: min_lr=1.0, max_lr=0.1"):
        lr_find(model, x, y, min_lr=1.0, max_lr=0.1)
    with pytest.raises(ValueError, match="`steps` must be an integer >= 2. Received: steps=1"):
        lr_find(model, x, y, steps=1)
    with pytest.raises(ValueError, match="`stop_factor` must be > 1"):
        lr_find(model, x, y, stop_factor=0.5)


def test_doctest_examples_run():
    import doctest
    import importlib

    module = importlib.import_module("strata.tuner.lr_find")
    failures, tried = doctest.testmod(module, extraglobs={"np": np})
    assert failures == 0 and tried > 0


def test_exported_from_strata_tuner():
    from strata import tuner

    assert tuner.lr_find is lr_find and tuner.LRFindResult is LRFindResult


def test_two_inputs_two_outputs_and_sample_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32")
    a, b = strata.Input((2,)), strata.Input((2,))
    hidden = strata.layers.Dense(4, activation="relu")(strata.layers.concatenate([a, b]))
    model = strata.Model([a, b], [strata.layers.Dense(1, name="main")(hidden), strata.layers.Dense(1, name="aux")(hidden)])
    model.compile(optimizer=strata.optimizers.Adam(1e-3), loss=("mse", "mse"), loss_weights=(0.9, 0.1))
    weights, slots = _snapshot(model)
    assert len(slots) == 2  # iteration and learning rate: the optimizer is not built yet
    result = lr_find(model, (x[:, :2], x[:, 2:]), (x[:, 0], x[:, 1]), steps=12, batch_size=16)
    assert len(result.lrs) == 12 and np.isfinite(result.losses).all()
    after_weights, after_slots = _snapshot(model)
    _assert_same((weights, slots), (after_weights, after_slots[:2]))
    # built as the first fit would build it: fresh Adam moments, all zero
    assert len(after_slots) == 2 + 2 * len(weights) and all(not s.any() for s in after_slots[2:])
    single = strata.Sequential([strata.Input((4,)), strata.layers.Dense(1)])
    single.compile(optimizer="sgd", loss="mse")
    ignored = lr_find(single, x, x[:, 0], steps=6, batch_size=16, sample_weight=np.zeros(96))
    np.testing.assert_array_equal(ignored.losses, np.zeros(6, np.float32))
