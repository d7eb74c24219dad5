"""The course's traffic forecast: 24 hours ahead from the last 6 hours, with a dense network, a
SimpleRNN and an LSTM, and their validation curves in one figure.

Run: python examples/traffic_forecast.py [--epochs 500] [--data-dir ../shared/datasets] [--plot curves.png]

The data are the hourly westbound volumes of I-94 (Minneapolis–St Paul) in
``timeseries/Metro_Interstate_Traffic_Volume.csv``: the course's 13,980 hours (here the last 13,980
rows), normalised to 0..1, cut into windows of 6 hours of history and 24 hours of forecast.  The
first 80% of the hours give the 11,184 training windows, the rest 2,766 validation windows.  The
models have 520 (dense), 776 (SimpleRNN) and 1,880 (LSTM) parameters; all train on mse with mae.
"""

import argparse
import os

import numpy as np
import pandas as pd

import strata as keras
from strata.layers import LSTM, Dense, Flatten, SimpleRNN
from strata.models import Sequential

HOURS = 13_980
HISTORY, FORECAST = 6, 24


def load_series(data_dir=None):
    """The last ``HOURS`` hourly volumes, scaled to 0..1."""
    data_dir = data_dir or os.environ.get("STRATA_DATASETS_DIR", "../shared/datasets")
    frame = pd.read_csv(os.path.join(data_dir, "timeseries", "Metro_Interstate_Traffic_Volume.csv"))
    volume = frame["traffic_volume"].to_numpy("float32")[-HOURS:]
    return (volume - volume.min()) / (volume.max() - volume.min())


def build_window(data, h, f):
    """Inputs of ``h`` hours shaped (samples, 1, h) as the course does, and ``f``-hour targets."""
    data_x, data_y = [], []
    for i in range(len(data) - h - f):
        data_x.append(data[i:(i + h)])
        data_y.append(data[(i + h):(i + h + f)])
    data_x = np.array(data_x)
    data_x = np.reshape(data_x, (data_x.shape[0], 1, data_x.shape[1]))
    return data_x, np.array(data_y)


def split(data):
    data_x, data_y = build_window(data, HISTORY, FORECAST)
    num_train_samples = int(0.8 * len(data))
    return ((data_x[:num_train_samples], data_y[:num_train_samples]),
            (data_x[num_train_samples:], data_y[num_train_samples:]))


def models():
    model_dense = Sequential()
    model_dense.add(Flatten(input_shape=(1, HISTORY)))
    model_dense.add(Dense(16, activation="relu"))
    model_dense.add(Dense(FORECAST))

    model_simplernn = Sequential()
    model_simplernn.add(SimpleRNN(16, input_shape=(1, HISTORY)))
    model_simplernn.add(Dense(FORECAST))

    model_lstm = Sequential()
    model_lstm.add(LSTM(16, input_shape=(1, HISTORY)))
    model_lstm.add(Dense(FORECAST))
    return {"dense": model_dense, "simple_rnn": model_simplernn, "lstm": model_lstm}


def plot(histories, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for (name, history), color in zip(histories.items(), ("tab:blue", "tab:orange", "tab:green")):
        ax.plot(history.history["loss"], "--", color=color, label=f"{name} train")
        ax.plot(history.history["val_loss"], "-", color=color, label=f"{name} validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mse")
    ax.set_yscale("log")
    ax.legend()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(epochs=500, data_dir=None, plot_path=None, verbose=0, names=None):
    keras.utils.set_random_seed(1)
    (train_x, train_y), (val_x, val_y) = split(load_series(data_dir))
    print(f"train {train_x.shape} {train_y.shape}, validation {val_x.shape} {val_y.shape}")
    histories = {}
    for name, model in models().items():
        if names is not None and name not in names:
            continue
        model.compile(loss="mse", metrics=["mae"])
        print(f"{name}: {model.count_params()} parameters")
        histories[name] = model.fit(train_x, train_y, epochs=epochs, batch_size=32,
                                    validation_data=(val_x, val_y), verbose=verbose)
        print(f"{name}: final val_loss {histories[name].history['val_loss'][-1]:.4e}")
    if plot_path:
        plot(histories, plot_path)
    return histories


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--plot", default="traffic_curves.png")
    args = parser.parse_args()
    main(args.epochs, args.data_dir, args.plot, verbose=2)
