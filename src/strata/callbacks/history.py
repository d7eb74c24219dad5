"""``History``: records the logs of every epoch; ``fit`` returns it."""

from __future__ import annotations

from typing import Any

from strata.callbacks.callback import Callback


class History(Callback):
    """The record of a ``fit``: ``history`` (metric name -> list of per-epoch values), ``epoch``
    (the epoch indices run) and ``params``.  Also set as ``model.history``.
    """

    _replayable = True

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        if self._model is not None:
            self._model.history = self

    def __repr__(self) -> str:
        return f"<History epochs={len(self.epoch)} keys={sorted(self.history)}>"
