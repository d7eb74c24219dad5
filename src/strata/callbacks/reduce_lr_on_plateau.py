"""``ReduceLROnPlateau``: lower the learning rate when a monitored value stops improving."""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.callbacks.learning_rate_scheduler import learning_rate_value
from strata.callbacks.monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    At each epoch end the value improves when it beats the best so far by more than ``min_delta``.
    Otherwise the epoch is counted, and when ``patience`` epochs have been counted the rate becomes
    ``max(lr * factor, min_lr)`` (if it is still above ``min_lr``).  After a reduction, ``cooldown``
    epochs pass without counting.  The new rate applies from the next epoch.

    Args:
        monitor: the log name to follow.  A name that is not in the logs raises ``ValueError``
            listing the names that are.
        factor: the multiplier of the rate, below 1.
        patience: how many epochs without improvement to allow before reducing.
        verbose: 1 prints a line at each reduction.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (losses down, metrics by their direction).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the lowest rate allowed.

    The rate in effect is written to the epoch logs as ``"learning_rate"``.

    Example:
        >>> reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[reduce])  # doctest: +SKIP
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether reductions are paused after a recent one."""
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = learning_rate_value(optimizer)
        current = self.get_monitor_value(logs)  # first: a misspelt name lists the available ones
        if self.monitor_op is None:
            self._set_monitor_op()  # here, once the compiled metrics exist
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait >= self.patience and self._reduce(optimizer, epoch):
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def _reduce(self, optimizer: Any, epoch: int) -> bool:
        """Lower the rate unless it is already at ``min_lr``; whether it was lowered."""
        old = learning_rate_value(optimizer)
        if not old > np.float32(self.min_lr):
            return False
        new = max(old * self.factor, self.min_lr)
        optimizer.learning_rate = new
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.", flush=True)
        return True
