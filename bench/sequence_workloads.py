"""Recurrent workloads of the benchmark (called by workload.py in a fresh process).

* ``traffic_lstm``: the course's LSTM(16) traffic forecast (11,184 windows of shape (1, 6), 24-hour
  targets, batch 32, mse with mae, validation on 2,766 windows), the whole 500-epoch course run with
  no callbacks, as the course runs it.  ``total`` is build + fit; the caller adds process start-up.
* ``traffic_lstm_epoch``: the same model for 12 epochs with an epoch timer; ``epoch`` is the median
  of the later epochs (the timer makes each epoch its own dispatch, as a per-epoch callback would).
* ``lstm_long``: LSTM(64) over 100 timesteps of 8 features, batch 64, 4,096 sequences, 3 epochs.
"""

from __future__ import annotations

import os
import statistics
import sys
import time


def traffic_data(data_dir: str):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
    import traffic_forecast

    return traffic_forecast.split(traffic_forecast.load_series(data_dir))


def sequence_workload(lib, args, imported: float) -> dict:
    import numpy as np

    layers = lib.layers
    times: list[float] = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    if args.workload.startswith("traffic"):
        (x, y), (vx, vy) = traffic_data(args.data_dir)
        start = time.perf_counter()
        model = lib.Sequential()
        model.add(layers.LSTM(16, input_shape=(1, 6)))
        model.add(layers.Dense(24))
        model.compile(loss="mse", metrics=["mae"])
        if args.workload == "traffic_lstm":
            history = model.fit(x, y, epochs=500, batch_size=32, validation_data=(vx, vy), verbose=0)
            total = time.perf_counter() - start
            return {"import": imported, "total": total, "val_loss": float(history.history["val_loss"][-1])}
        model.fit(x, y, epochs=12, batch_size=32, validation_data=(vx, vy), verbose=0, callbacks=[Timer()])
    else:
        rs = np.random.RandomState(0)
        x = rs.standard_normal((4096, 100, 8)).astype("float32")
        y = x[:, -10:, :2].mean(axis=1) + 0.1 * rs.standard_normal((4096, 2)).astype("float32")
        start = time.perf_counter()
        model = lib.Sequential([layers.Input((100, 8)), layers.LSTM(64), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=3, batch_size=64, verbose=0, callbacks=[Timer()])
    total = time.perf_counter() - start
    return {"import": imported, "total": total, "first": times[0], "epoch": statistics.median(times[1:]),
            "compile": times[0] - statistics.median(times[1:])}
