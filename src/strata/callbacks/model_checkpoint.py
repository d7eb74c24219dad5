"""``ModelCheckpoint``: save the model or its weights during training (KERAS_NOTES §4.3).

Files are written atomically by :mod:`strata.saving` (temporary file, then rename), so a crash
during a save leaves the previous checkpoint complete and loadable.  With the default
``save_freq="epoch"`` the callback only hooks epoch ends and training stays fully fused.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from strata.callbacks.callback import Callback
from strata.callbacks.monitor import resolve_monitor_op


class ModelCheckpoint(Callback):
    """Save the model (``.keras``) or its weights (``.weights.h5``) at some frequency.

    Args:
        filepath: where to save; may hold ``{epoch}``, ``{batch}`` (with an integer ``save_freq``)
            and log names, e.g. ``"ck/m_{epoch:02d}_{val_loss:.3f}.keras"``.  Missing folders are
            created.
        monitor: the log value ``save_best_only`` compares.
        verbose: 1 prints a line for every decision, 0 is silent.
        save_best_only: save only when ``monitor`` improves on the best value so far.
        save_weights_only: save weights (``filepath`` must end in ``.weights.h5``); otherwise the
            whole model (``.keras``, or legacy ``.h5``).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (losses down, metrics by their direction).
        save_freq: ``"epoch"``, or an int: save every that many batches.
        initial_value_threshold: the initial best value (only better values are saved).

    Example:
        >>> ck = ModelCheckpoint("ck/best.keras", save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[ck])  # doctest: +SKIP
    """

    def __init__(self, filepath: Any, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: Any = "epoch", initial_value_threshold: float | None = None) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = initial_value_threshold
        self.monitor_op: Any = None
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer values"
            )
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError(
                "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end "
                f"in `.weights.h5` (Keras weights format). Received: filepath={self.filepath}"
            )
        if not save_weights_only and not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                f"The filepath provided must end in `.keras` (Keras model format). Received: filepath={self.filepath}"
            )
        if isinstance(save_freq, int):
            # Only batch-level saving needs a batch hook; defining it on the class would make every
            # fit dispatch one step at a time, so it is attached to this instance only.
            self.on_train_batch_end = self._save_on_batch_end

    # -- hooks -------------------------------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self.monitor_op = resolve_monitor_op(type(self).__name__, self.monitor, self.mode, self._model, logs)
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _save_on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch started: batches are counted from 0
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    # -- saving ------------------------------------------------------------------------------------
    def _get_file_path(self, epoch: int, batch: int | None, logs: dict | None) -> str:
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}') from error

    def _is_improvement(self, current: Any, best: Any) -> bool:
        if best is None:
            return True
        if self.monitor_op is None:
            self.monitor_op = resolve_monitor_op(type(self).__name__, self.monitor, self.mode, self._model)
        return bool(self.monitor_op(current, best))

    def _should_save_model(self, epoch: int, logs: dict | None, filepath: str) -> bool:
        logs = logs or {}
        if not self.save_best_only:
            self._print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(
                f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                "Falling back to `save_best_only=False`.", stacklevel=3)
            return True
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            self._print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to {current:.5f}, "
                        f"saving model to {filepath}")
            self.best = current
            return True
        self._print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        try:
            if not self._should_save_model(epoch, logs, filepath):
                return
            folder = os.path.dirname(filepath)
            if folder:
                os.makedirs(folder, exist_ok=True)
            if self.save_weights_only:
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save(filepath, overwrite=True)
            self._print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
        except IsADirectoryError as error:
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing "
                f"directory: {filepath}"
            ) from error

    def _print(self, message: str) -> None:
        if self.verbose > 0:
            print(message, flush=True)
