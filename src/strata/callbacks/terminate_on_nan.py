"""``TerminateOnNaN``: stops training at the first batch whose loss is NaN or infinite."""

from __future__ import annotations

import math

from strata.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training as soon as the training loss becomes NaN or infinite (``keras.callbacks.TerminateOnNaN``).

    The check runs after every training batch on ``logs["loss"]`` (the running mean of the epoch
    so far, as Keras reports it), so ``fit`` dispatches one step at a time while this callback is
    attached.  By default it prints ``Batch N: Invalid loss, terminating training`` and sets
    ``model.stop_training``: the epoch ends there, ``on_epoch_end`` and ``on_train_end`` still run.

    Args:
        raise_error: if True, raise a ``RuntimeError`` at once instead (other callbacks' ``on_train_end``
            is then not called, which keeps e.g. a backup of the last good state intact).
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = bool(raise_error)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
        self.model.stop_training = True
