"""Watching one logged quantity: direction, improvement and lookup (``keras.callbacks.MonitorCallback``).

``EarlyStopping``, ``ReduceLROnPlateau`` and ``ModelCheckpoint`` all follow a value from the epoch
logs.  They share three decisions, kept here so the wording and the rules stay identical:

* which way is better (:func:`resolve_monitor_op`): ``mode="min"``/``"max"``, or ``"auto"``, where
  losses go down and a compiled metric decides by its ``_direction``;
* whether a value improves on another (:func:`less`, :func:`greater`), compared in float32 as Keras
  does, so ties and ``min_delta`` edges decide the same way;
* where the value comes from (:func:`monitor_value`): a name that is not in the logs is an error
  that lists the names that are, rather than a warning that lets training run unwatched.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from strata.callbacks.callback import Callback

MODES = ("auto", "min", "max")


def less(value: Any, reference: Any) -> bool:
    """``value < reference``, compared in float32 (the precision Keras compares logs in)."""
    return bool(np.float32(value) < np.float32(reference))


def greater(value: Any, reference: Any) -> bool:
    """``value > reference``, compared in float32."""
    return bool(np.float32(value) > np.float32(reference))


def check_mode(callback_name: str, mode: str) -> str:
    """``mode`` if it is one of ``auto``/``min``/``max``; otherwise warn and fall back to ``auto``."""
    if mode in MODES:
        return mode
    warnings.warn(f"{callback_name} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
    return "auto"


def _metric_direction(model: Any, name: str) -> str | None:
    """The ``_direction`` (``"up"``/``"down"``) of the compiled metric called ``name``, if any."""
    compiled = getattr(model, "_compile_metrics", None)
    direction = None
    for entry in getattr(compiled, "entries", None) or []:
        if name not in (entry.name, getattr(entry.metric, "name", None)):
            continue
        found = getattr(entry.metric, "_direction", None)
        if found is not None:
            direction = found
    return direction


def resolve_monitor_op(callback_name: str, monitor: str, mode: str, model: Any,
                       logs: dict | None = None) -> Callable[[Any, Any], bool]:
    """The comparison that says "better" for ``monitor``: :func:`less` (minimize) or :func:`greater`.

    Call it once the model is compiled and its metrics are built (the first epoch end).

    Args:
        callback_name: the class name used in the error message.
        monitor: the log name, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        mode: ``"min"``, ``"max"`` or ``"auto"``.
        model: the model being trained (its compiled metrics decide ``auto``).
        logs: the epoch logs, if at hand: when ``monitor`` is not among them, the error lists
            the names that are (the usual cause is a misspelt name).

    Raises:
        ValueError: in ``auto`` mode, when ``monitor`` is neither a loss nor a compiled metric
            with a known direction.
    """
    if mode == "min":
        return less
    if mode == "max":
        return greater
    name = monitor.removeprefix("val_")
    op = less if name == "loss" else None
    direction = _metric_direction(model, name)
    if direction is not None:
        op = greater if direction == "up" else less
    if op is None:
        hint = ""
        if logs is not None and monitor not in logs:
            hint = (f" Note that '{monitor}' is not in the logs of this fit (available: {', '.join(logs) or '(none)'});"
                    " check its spelling.")
        raise ValueError(
            f"{callback_name} callback received monitor={monitor}, but Keras isn't able to automatically "
            "determine whether that metric should be maximized or minimized. Pass `mode='max'` in order "
            "to monitor based on the highest metric value, or pass `mode='min'` in order to use the "
            f"lowest value.{hint}"
        )
    return op


def _skips_validation_this_epoch(model: Any, monitor: str, logs: dict) -> bool:
    """Whether ``monitor`` is a ``val_`` name missing only because this epoch did not validate.

    With ``validation_freq`` > 1 some epochs carry no ``val_`` logs at all; that is not a mistake.
    """
    if not monitor.startswith("val_") or any(key.startswith("val_") for key in logs):
        return False
    run = getattr(model, "_fit_run", None)
    return run is not None and getattr(run, "val_data", None) is not None


def monitor_value(callback_name: str, monitor: str, logs: dict | None, model: Any = None) -> Any:
    """``logs[monitor]``; ``None`` on an epoch that skipped validation.

    Raises:
        ValueError: ``monitor`` is not in the logs, naming the names that are and the fix.
    """
    logs = logs or {}
    value = logs.get(monitor)
    if value is not None:
        return value
    if _skips_validation_this_epoch(model, monitor, logs):
        return None
    available = ", ".join(logs) or "(none)"
    raise ValueError(
        f"{callback_name} received monitor='{monitor}', which is not in the logs of this fit. "
        f"Available: {available}. Pass one of these as `monitor=` (names with 'val_' need validation data)."
    )


class MonitorCallback(Callback):
    """Base of callbacks that follow one logged value and act when it stops improving.

    Args:
        monitor: the log name to follow.
        mode: ``"auto"``, ``"min"`` or ``"max"``; resolved at the first epoch end.
        baseline: the initial ``best`` value (``None``: the first value seen).
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0) -> None:
        super().__init__()
        self.monitor = monitor
        self.mode = check_mode(type(self).__name__, mode)
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Callable[[Any, Any], bool] | None = None

    def _set_monitor_op(self) -> None:
        """Resolve the direction; ``min_delta`` is stored negated when minimizing (as Keras does)."""
        self.monitor_op = resolve_monitor_op(type(self).__name__, self.monitor, self.mode, self._model)
        if self.monitor_op is less:
            self.min_delta = -self.min_delta

    def _is_improvement(self, value: Any, reference: Any) -> bool:
        """Strictly better than ``reference`` by more than ``min_delta`` (always, if no reference)."""
        if reference is None:
            return True
        return self.monitor_op(value - self.min_delta, reference)

    def get_monitor_value(self, logs: dict | None) -> Any:
        """The monitored value in ``logs`` (``None`` on an epoch without validation)."""
        return monitor_value(type(self).__name__, self.monitor, logs, self._model)
