"""Learning curves: History.plot() and strata.utils.plot_history()."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from strata.callbacks import Callback  # noqa: E402
from strata.layers import Dense, Input  # noqa: E402
from strata.models import Sequential  # noqa: E402
from strata.utils import plot_history  # noqa: E402

RECORD = {"accuracy": [0.5, 0.6, 0.7], "loss": [0.9, 0.5, 0.4], "val_accuracy": [0.45, 0.55, 0.5],
          "val_loss": [1.0, 0.7, 0.8]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(axes):
    return {line.get_label(): line for line in axes.get_lines()}


def _fit(epochs=3, callbacks=(), **kwargs):
    x = np.random.RandomState(0).rand(32, 3).astype("float32")
    y = np.random.RandomState(1).rand(32, 1).astype("float32")
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model.fit(x, y, batch_size=8, epochs=epochs, validation_data=(x[:8], y[:8]), verbose=0,
                     callbacks=list(callbacks), **kwargs)


def test_one_axes_per_metric_with_train_and_val_curves():
    figure = plot_history(RECORD)
    assert [axes.get_title() for axes in figure.axes] == ["loss", "accuracy"]  # loss first
    for axes, name in zip(figure.axes, ["loss", "accuracy"]):
        lines = _lines(axes)
        assert set(lines) == {name, f"val_{name}"}
        for key, line in lines.items():
            np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])  # epochs counted from 1
            np.testing.assert_allclose(line.get_ydata(), RECORD[key])
        legend = [text.get_text() for text in axes.get_legend().get_texts()]
        assert legend == [name, f"val_{name}"]
        assert axes.get_xlabel() == "epoch"


def test_history_plot_draws_the_fit_values_and_returns_the_figure():
    history = _fit()
    figure = history.plot()
    assert isinstance(figure, matplotlib.figure.Figure)
    assert [axes.get_title() for axes in figure.axes] == ["loss", "mae"]
    lines = _lines(figure.axes[0])
    np.testing.assert_allclose(lines["loss"].get_ydata(), history.history["loss"])
    np.testing.assert_allclose(lines["val_loss"].get_ydata(), history.history["val_loss"])


def test_x_axis_follows_history_epoch_with_initial_epoch():
    history = _fit(epochs=4, initial_epoch=2)
    figure = history.plot("loss")
    np.testing.assert_array_equal(_lines(figure.axes[0])["loss"].get_xdata(), [3, 4])


def test_metrics_selects_and_orders_subplots():
    figure = plot_history(RECORD, metrics=["accuracy"])
    assert [axes.get_title() for axes in figure.axes] == ["accuracy"]
    only_val = plot_history({"val_loss": [1.0, 0.5]})
    assert set(_lines(only_val.axes[0])) == {"val_loss"}


class _PretendRestore(Callback):
    """Does what EarlyStopping(restore_best_weights=True) does for the plot: name the restored epoch."""

    def on_train_end(self, logs=None):
        self.model._restored_epoch = 1


def test_restored_best_epoch_is_marked():
    history = _fit(epochs=4, callbacks=[_PretendRestore()])
    assert history.restored_epoch == 1
    figure = history.plot()
    for axes in figure.axes:
        marker = _lines(axes)["best epoch (2)"]
        np.testing.assert_array_equal(marker.get_xdata(), [2, 2])  # epoch index 1 is epoch 2 on the axis
    assert "best epoch (2)" not in _lines(history.plot(show_best=False).axes[0])


def test_early_stopping_restore_marks_its_best_epoch():
    import strata

    class LossRisesAfterEpoch2(Callback):  # val_loss as the plot and EarlyStopping will see it
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = [0.9, 0.5, 0.4, 0.6, 0.7, 0.8][epoch]

    stop = strata.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = _fit(epochs=6, callbacks=[LossRisesAfterEpoch2(), stop])
    assert history.epoch == [0, 1, 2, 3, 4] and history.restored_epoch == 2 == stop.best_epoch
    for axes in history.plot().axes:
        np.testing.assert_array_equal(_lines(axes)["best epoch (3)"].get_xdata(), [3, 3])


def test_no_marker_without_restore_and_a_later_fit_forgets_it():
    assert not any(label.startswith("best epoch") for label in _lines(_fit().plot().axes[0]))
    first = _fit(callbacks=[_PretendRestore()])
    second = first.model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=2, verbose=0)
    assert first.restored_epoch == 1 and second.restored_epoch is None
    assert not any(label.startswith("best epoch") for label in _lines(second.plot().axes[0]))
    figure = plot_history(RECORD, best_epoch=2)
    assert "best epoch (3)" in _lines(figure.axes[0])


def test_saving_png_and_svg(tmp_path):
    png, svg = tmp_path / "curves.png", tmp_path / "sub" / "curves.svg"
    plot_history(RECORD, filename=png)
    _fit().plot(filename=svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import xml.etree.ElementTree as ET

    assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_draws_into_given_axes():
    figure, axes = plt.subplots(1, 2)
    returned = plot_history(RECORD, ["loss", "accuracy"], ax=axes)
    assert returned is figure
    assert set(_lines(axes[1])) == {"accuracy", "val_accuracy"}
    single_figure, single = plt.subplots()
    assert plot_history(RECORD, "loss", ax=single) is single_figure


def test_many_metrics_wrap_onto_rows_of_three():
    record = {name: [1.0, 0.5] for name in ("loss", "a", "b", "c")}
    figure = plot_history(record)
    assert [axes.get_title() for axes in figure.axes] == ["loss", "a", "b", "c"]
    assert [axes.get_subplotspec().rowspan.start for axes in figure.axes] == [0, 0, 0, 1]


@pytest.mark.keras
def test_accepts_a_keras_history(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    figure = plot_history(history)
    np.testing.assert_allclose(_lines(figure.axes[0])["loss"].get_ydata(), history.history["loss"])


def test_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown metric 'acc'.*Available metrics: \['accuracy', 'loss'\]"):
        plot_history(RECORD, metrics="acc")
    with pytest.raises(ValueError, match="history is empty"):
        plot_history({})
    with pytest.raises(ValueError, match="history is empty"):
        plot_history({"loss": []})
    with pytest.raises(TypeError, match="Received: history of type list"):
        plot_history([0.5, 0.4])
    with pytest.raises(ValueError, match=r"one Axes per metric plotted \(2: \['loss', 'accuracy'\]\)"):
        plot_history(RECORD, ax=plt.subplots()[1])
    with pytest.raises(ValueError, match=r"image format suffix.*Received: filename='.*curves.txt'"):
        plot_history(RECORD, filename=tmp_path / "curves.txt")
    with pytest.raises(ValueError, match="at least one metric"):
        plot_history(RECORD, metrics=[])
