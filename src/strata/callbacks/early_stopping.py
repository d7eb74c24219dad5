"""``EarlyStopping``: stop training when a monitored value stops improving (KERAS_NOTES §4.2)."""

from __future__ import annotations

from strata.callbacks.monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop ``fit`` once ``monitor`` has not improved for ``patience`` epochs.

    At each epoch end, the value improves when it beats the best so far by more than
    ``min_delta`` (strictly).  An improving epoch never stops training, and epoch 0 never stops
    it; otherwise, after ``patience`` epochs without improvement, training stops at the end of the
    current epoch.

    Args:
        monitor: the log name to follow, e.g. ``"val_loss"`` or ``"val_accuracy"``.  A name that
            is not in the logs raises ``ValueError`` listing the names that are.
        min_delta: the smallest change that counts as an improvement.
        patience: how many epochs without improvement to allow before stopping.
        verbose: 1 prints a line when stopping and when restoring weights.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (losses are minimized, metrics follow their
            direction: accuracy up, mae down, ...).
        baseline: a value to beat.  It does not seed the best value; an epoch that improves on
            the best but not on the baseline still counts towards ``patience``.
        restore_best_weights: at the end of training (stopped or not), put back the weights of
            the best epoch.
        start_from_epoch: epochs to wait before watching at all (a warm-up).

    Attributes:
        wait: epochs counted since the last improvement.
        stopped_epoch: the epoch index at which training was stopped (0 if it was not).
        best: the best value seen.
        best_epoch: the index of the epoch that gave ``best``.
        best_weights: the weights saved at ``best_epoch`` (with ``restore_best_weights``).

    Example:
        >>> stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])  # doctest: +SKIP
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights: list | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        # A fresh count for every fit, so one instance can be reused.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        current = self.get_monitor_value(logs)  # first: a misspelt name lists the available ones
        if self.monitor_op is None:
            self._set_monitor_op()  # here, once the compiled metrics exist
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing saved yet: these weights are the best known.
            self._snapshot(epoch)
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self._snapshot(epoch)
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping", flush=True)
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.", flush=True)
            model = self.model
            model.set_weights(self.best_weights)
            model._restored_epoch = self.best_epoch  # History keeps it, and its plot marks that epoch

    def _snapshot(self, epoch: int) -> None:
        self.best_weights = self.model.get_weights()
        self.best_epoch = epoch
