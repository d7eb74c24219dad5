"""``Progbar``: Keras's progress line, written so it neither floods logs nor freezes notebooks.

The text is Keras 3's, byte for byte. Only *how* it reaches the stream depends on where it goes
(see :func:`detect_display`):

* ``"terminal"`` (a TTY): Keras's dynamic line, erased with ``\\b`` and rewritten after ``\\r``,
  at most one update per ``interval`` seconds.
* ``"notebook"`` (an IPython kernel): one line rewritten after ``\\r``, at most one update per
  :data:`NOTEBOOK_INTERVAL` seconds, so a fast loop cannot flood the front end.
* ``"log"`` (a file, a pipe, CI): nothing until the bar is finalised, then the final line alone,
  without ANSI codes.

``verbose=2`` prints one plain line at finalisation in every display.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any, Iterable, TextIO

import numpy as np

DISPLAYS = ("terminal", "notebook", "log")
NOTEBOOK_INTERVAL = 0.25
_BAR_CHAR = "\u2501"
_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def detect_display(stream: Any = None) -> str:
    """Where progress goes: ``"notebook"``, ``"terminal"`` or ``"log"``.

    Args:
        stream: the output stream (default ``sys.stdout``).

    Returns:
        ``"notebook"`` inside an IPython kernel, ``"terminal"`` when the stream is a TTY (or in a
        PyCharm console, which understands ``\\r``), else ``"log"``.
    """
    stream = sys.stdout if stream is None else stream
    if "ipykernel" in sys.modules:
        ipython = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
        if ipython is not None and getattr(ipython, "kernel", None) is not None:
            return "notebook"
    isatty = getattr(stream, "isatty", None)
    try:
        if isatty is not None and isatty():
            return "terminal"
    except ValueError:  # a closed stream
        return "log"
    return "terminal" if "PYCHARM_HOSTED" in os.environ else "log"


def format_step_time(seconds: float, unit_name: str = "step") -> str:
    """Keras's per-unit time: ``2s/step``, ``455ms/step`` or ``904us/step`` (integers)."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


class Progbar:
    """A progress bar with Keras's exact output (``keras.utils.Progbar``).

    Metrics named in ``stateful_metrics`` are shown as given; the others are averaged over the
    steps seen so far (weighted by the steps each update covers), as Keras does.

    Args:
        target: the total number of steps, or ``None`` if unknown.
        width: the bar width in characters.
        verbose: 0 (silent), 1 (progress bar) or 2 (one line at finalisation).
        interval: the minimum seconds between two visible updates (the last one always shows).
        stateful_metrics: names of metrics displayed as-is. Give this or ``stateless_metrics``.
        stateless_metrics: names of metrics to average; all others are then displayed as-is.
        unit_name: the unit of the per-step time (``"step"``, ``"sample"``).
        stream: where to write (default: ``sys.stdout`` at the time of each write).
        display: ``"terminal"``, ``"notebook"`` or ``"log"``; ``None`` detects it from the stream.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> bar = Progbar(2, verbose=2, stream=out)
        >>> bar.update(1, [("loss", 0.5)]); bar.update(2, [("loss", 0.25)])
        >>> out.getvalue().endswith(" - loss: 0.2500\\n")
        True
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics: Iterable[str] | None = None, stateless_metrics: Iterable[str] | None = None,
                 unit_name: str = "step", *, stream: TextIO | None = None, display: str | None = None) -> None:
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Give only one of `stateful_metrics` (averaged unless listed) or `stateless_metrics` "
                             f"(as-is unless listed). Received: stateful_metrics={stateful_metrics!r}, "
                             f"stateless_metrics={stateless_metrics!r}")
        if display is not None and display not in DISPLAYS:
            raise ValueError(f"`display` must be one of {DISPLAYS} or None. Received: display={display!r}")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._stateful = None if stateful_metrics is None else set(stateful_metrics)
        self._stateless = None if stateless_metrics is None else set(stateless_metrics)
        if self._stateful is None and self._stateless is None:
            self._stateful = set()
        self._stream = stream
        self.display = display if display is not None else detect_display(stream)
        self._values: dict[str, list] = {}  # name -> [weighted total, count], in first-seen order
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_width = 0

    # -- state -------------------------------------------------------------------------------------
    def _is_stateless(self, name: str) -> bool:
        if self._stateful is not None:
            return name not in self._stateful
        return name in self._stateless

    def _record(self, current: int, values: Any, finalize: bool) -> None:
        for name, value in values or []:
            if self._is_stateless(name) and not finalize:
                weight = max(current - self._seen_so_far, 1)
                total = self._values.setdefault(name, [0.0, 0])
                if total[1] == 0:
                    total[0] = value * weight
                else:
                    total[0] += value * weight
                total[1] += weight
            else:
                self._values[name] = [value, 1]
        self._seen_so_far = current

    def _step_time(self, current: int, now: float) -> float:
        """Seconds per step; once past step 1, the (slow, compiling) first step is left out."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    def _metric_text(self, signed_threshold: bool) -> str:
        parts = []
        for name, (total, count) in self._values.items():
            if not isinstance(total, float):
                total = np.mean(total)
            avg = total / max(1, count)
            small = avg <= 1e-3 if signed_threshold else abs(avg) <= 1e-3
            parts.append(f" - {name}: {avg:.4e}" if small else f" - {name}: {avg:.4f}")
        return "".join(parts)

    # -- public ------------------------------------------------------------------------------------
    def update(self, current: int, values: Any = None, finalize: bool | None = None) -> None:
        """Record progress up to step ``current`` and redraw if it is time to.

        Args:
            current: the index of the step just completed (1-based).
            values: ``(name, value)`` pairs for that step.
            finalize: whether this is the last update; ``None`` means ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values, finalize)
        now = time.time()
        per_step = self._step_time(current, now)
        if self.verbose == 1:
            interval = max(self.interval, NOTEBOOK_INTERVAL) if self.display == "notebook" else self.interval
            if now - self._last_update < interval and not finalize:
                return
            self._draw(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            line = f"{self._counter(current)} - {now - self._start:.0f}s - {format_step_time(per_step, self.unit_name)}"
            self._write(line + self._metric_text(signed_threshold=True) + "\n")
        self._last_update = now

    def add(self, n: int, values: Any = None) -> None:
        """Advance by ``n`` steps (see :meth:`update`)."""
        self.update(self._seen_so_far + n, values)

    # -- rendering ---------------------------------------------------------------------------------
    def _counter(self, current: int) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"%{digits}d/%d" % (current, self.target)

    def _segments(self, current: int, now: float, per_step: float, finalize: bool) -> list[tuple[str, str]]:
        """The verbose=1 line as ``(text, ansi_style)`` pieces."""
        if self.target is not None and self.target > 0:
            done = int(self.width * (float(current) / self.target))
            pieces = [(self._counter(current), _BOLD), (" ", "")]
            if done > 0:
                pieces.append((_BAR_CHAR * done, _GREEN))
            pieces.append((_BAR_CHAR * (self.width - done), _WHITE))
        else:
            pieces = [("%7d/Unknown" % current, "")]
        if self.target is not None and self.target > 0 and not finalize:
            clock = _format_eta(per_step * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        pieces += [(" ", ""), (clock, _BOLD), (" " + format_step_time(per_step, self.unit_name), "")]
        pieces.append((self._metric_text(signed_threshold=False), ""))
        return pieces

    def _draw(self, current: int, now: float, per_step: float, finalize: bool) -> None:
        pieces = self._segments(current, now, per_step, finalize)
        plain = "".join(text for text, _ in pieces)
        if self.display == "log":
            if finalize:
                self._write(plain + "\n")
            return
        styled = "".join(f"{style}{text}{_RESET}" if style else text for text, style in pieces)
        width = len(plain)
        erase = "\b" * self._prev_width if self.display == "terminal" else ""
        message = erase + "\r" + styled + " " * max(self._prev_width - width, 0)
        self._write(message + ("\n" if finalize else ""))
        self._prev_width = width

    def _write(self, message: str) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        try:
            stream.write(message)
        except UnicodeEncodeError:  # e.g. a cp1252 console: fall back to ASCII bars
            encoding = getattr(stream, "encoding", None) or "utf-8"
            stream.write(message.replace(_BAR_CHAR, "=").encode(encoding, "ignore").decode(encoding))
        stream.flush()
