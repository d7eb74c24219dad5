"""``LearningRateScheduler``: set the optimizer's learning rate at the start of every epoch."""

from __future__ import annotations

import inspect
import numbers
from typing import Any, Callable

import numpy as np

from strata.callbacks.callback import Callback


def learning_rate_value(optimizer: Any) -> float:
    """The optimizer's current learning rate as a Python float (float32 widened, as in the logs)."""
    rate = optimizer.learning_rate
    return float(np.asarray(getattr(rate, "value", rate)))


def _as_float_rate(rate: Any) -> float | None:
    """``rate`` as a float if it is a real float (Python, NumPy, or a 0-d float array), else ``None``."""
    if isinstance(rate, (float, np.floating)):
        return float(rate)
    if isinstance(rate, (bool, numbers.Integral)) or not hasattr(rate, "dtype"):
        return None
    if getattr(rate, "shape", None) == () and np.issubdtype(rate.dtype, np.floating):
        return float(np.asarray(rate))
    return None


def _takes_two_arguments(schedule: Callable) -> bool:
    try:
        inspect.signature(schedule).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature available (some builtins): try the two-argument form
        return True
    return True


class LearningRateScheduler(Callback):
    """Set the learning rate from ``schedule`` at the beginning of every epoch.

    Args:
        schedule: ``schedule(epoch, lr) -> new_lr`` with the 0-based epoch index and the current
            rate as a float, or ``schedule(epoch) -> new_lr``.  It must return a float.
        verbose: 1 prints the rate set at each epoch.

    The rate in effect is written to the epoch logs as ``"learning_rate"`` (and so appears in
    ``history.history``).  The optimizer must have been created with a float learning rate.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> model.fit(x, y, epochs=20, callbacks=[LearningRateScheduler(schedule)])  # doctest: +SKIP
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "Argument `schedule` of LearningRateScheduler must be a function (epoch, lr) -> new_lr "
                f"or (epoch) -> new_lr. Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose

    def _new_rate(self, epoch: int, optimizer: Any) -> Any:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        if _takes_two_arguments(self.schedule):
            return self.schedule(epoch, learning_rate_value(optimizer))
        return self.schedule(epoch)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        returned = self._new_rate(epoch, optimizer)
        rate = _as_float_rate(returned)
        if rate is None:
            raise ValueError(
                "The output of the `schedule` function should be a float. "
                f"Got: {returned!r} (of type {type(returned).__name__}) at epoch {epoch}. "
                "Return a float learning rate, e.g. `float(value)`."
            )
        optimizer.learning_rate = rate
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {returned}.", flush=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = learning_rate_value(self.model.optimizer)
