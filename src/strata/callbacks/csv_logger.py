"""``CSVLogger``: writes the logs of every epoch as one row of a CSV file."""

from __future__ import annotations

import csv
import os
from typing import Any

from strata.callbacks.callback import Callback


def _cell(value: Any) -> Any:
    """A log value as Keras writes it: strings and scalars as they are, sequences as ``"[a, b]"``."""
    if isinstance(value, str):
        return value
    if getattr(value, "ndim", None) == 0:  # a 0-d array is a scalar, not a sequence
        return value
    try:
        items = list(value)
    except TypeError:
        return value
    return '"[' + ", ".join(str(item) for item in items) + ']"'


class CSVLogger(Callback):
    """Streams the epoch results of ``fit`` to a CSV file (``keras.callbacks.CSVLogger``).

    The first row is a header: ``epoch`` followed by the log names in sorted order.  When the first
    epoch has no validation logs, ``val_<name>`` columns are still added for every name (Keras's
    layout, so a file stays rectangular whether or not later runs validate); missing values are
    written ``NA``.  Numbers are written with Python's ``repr`` (``0.3499999940395355``), epochs
    0-based.  The file is flushed after every row and closed when training ends.

    Args:
        filename: path of the CSV file, e.g. ``"run/log.csv"``.
        separator: the string between fields.
        append: if True, add rows to an existing file (its header is kept and not repeated);
            if False, overwrite it.

    Example:

    >>> import numpy as np, pathlib, tempfile, strata
    >>> model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...               callbacks=[strata.callbacks.CSVLogger(path)])
    >>> path.read_text().splitlines()[0]
    'epoch,loss,val_loss'
    """

    # It only writes the logs it is given: it may be replayed after a fused multi-epoch dispatch.
    _replayable = True

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(
                f"`separator` must be a single character string. Received: separator={separator!r}")
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self.writer: Any = None
        self.csv_file: Any = None
        self.append_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._close()
        mode = "w"
        self.append_header = True
        if self.append:
            mode = "a"
            if os.path.exists(self.filename):
                with open(self.filename, "r", newline="") as existing:
                    self.append_header = existing.readline() == ""
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.csv_file is None or self.csv_file.closed:
            # Used outside ``fit`` (hooks called by hand): open as ``on_train_begin`` would.
            self.on_train_begin()
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, dialect="excel", delimiter=self.sep)
            if self.append_header:
                self.writer.writerow(["epoch"] + self.keys)
        self.writer.writerow([epoch] + [_cell(logs.get(key, "NA")) for key in self.keys])
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()

    def __repr__(self) -> str:
        return f"CSVLogger(filename={self.filename!r}, separator={self.sep!r}, append={self.append})"
