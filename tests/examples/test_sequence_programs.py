"""The course's sequence programs: the traffic forecast (dense, SimpleRNN, LSTM) and text
classification with TextVectorization + Embedding(mask_zero=True) + Bidirectional(LSTM)."""

import numpy as np
import pytest
from example_loader import load_example


def test_traffic_models_have_the_course_parameter_counts():
    counts = {name: model.count_params() for name, model in load_example("traffic_forecast").models().items()}
    assert counts == {"dense": 520, "simple_rnn": 776, "lstm": 1880}


def test_traffic_program_trains_three_models_and_plots_their_curves(shared_datasets, tmp_path, capsys):
    plot = tmp_path / "curves.png"
    histories = load_example("traffic_forecast").main(epochs=3, data_dir=str(shared_datasets), plot_path=str(plot))
    out = capsys.readouterr().out
    assert "train (11184, 1, 6) (11184, 24), validation (2766, 1, 6) (2766, 24)" in out
    assert plot.read_bytes()[:4] == b"\x89PNG"
    for name, history in histories.items():
        assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
        assert history.history["val_loss"][-1] < history.history["val_loss"][0], name


@pytest.mark.keras
def test_the_traffic_lstm_trains_as_in_keras(shared_datasets, keras):
    module = load_example("traffic_forecast")
    (x, y), (vx, vy) = module.split(module.load_series(str(shared_datasets)))
    x, y, vx, vy = x[:1024], y[:1024], vx[:256], vy[:256]
    ours = module.models()["lstm"]
    theirs = keras.Sequential([keras.Input((1, 6)), keras.layers.LSTM(16), keras.layers.Dense(24)])
    theirs.set_weights(ours.get_weights())
    histories = []
    for model in (ours, theirs):
        model.compile(loss="mse", metrics=["mae"])
        histories.append(model.fit(x, y, epochs=3, batch_size=32, validation_data=(vx, vy), shuffle=False,
                                   verbose=0).history)
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-4)  # float32, 3 epochs of rmsprop


def test_text_classification_reads_raw_reviews_and_reloads(tmp_path, capsys):
    model, history, accuracy = load_example("text_classification").main(
        epochs=6, save_path=str(tmp_path / "reviews.keras"), verbose=0)
    out = capsys.readouterr().out
    assert "bidirectional (Bidirectional)" in out and "Reloaded model scores:" in out
    assert accuracy > 0.75
    assert history.history["val_accuracy"][-1] > history.history["val_accuracy"][0]
