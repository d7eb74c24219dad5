"""``History``: records the logs of every epoch; ``fit`` returns it."""

from __future__ import annotations

from typing import Any, Sequence

from strata.callbacks.callback import Callback


class History(Callback):
    """The record of a ``fit``: ``history`` (metric name -> list of per-epoch values), ``epoch``
    (the epoch indices run) and ``params``.  Also set as ``model.history``.

    ``restored_epoch`` is the 0-based epoch whose weights ``EarlyStopping(restore_best_weights=True)``
    put back at the end of training (read from the model's ``_restored_epoch``), or None;
    :meth:`plot` marks it.
    """

    _replayable = True

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.restored_epoch: int | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []
        self.history = {}
        self.restored_epoch = None

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._model is not None:
            self.restored_epoch = getattr(self._model, "_restored_epoch", None)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        if self._model is not None:
            self._model.history = self

    def plot(self, metrics: str | Sequence[str] | None = None, **kwargs: Any) -> Any:
        """Learning curves of this run, one subplot per metric; see :func:`strata.utils.plot_history`.

        Args:
            metrics: metric name(s) without ``val_``; all by default.
            **kwargs: ``ax``, ``filename``, ``show_best``, ``best_epoch``, ``figsize``.

        Returns:
            The matplotlib ``Figure``.
        """
        from strata.utils.plot_history import plot_history

        return plot_history(self, metrics, **kwargs)

    def __repr__(self) -> str:
        return f"<History epochs={len(self.epoch)} keys={sorted(self.history)}>"
