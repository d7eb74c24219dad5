"""Progbar: byte-for-byte Keras output in a terminal, one clean line in logs, throttled in notebooks."""

from __future__ import annotations

import contextlib
import io
import time

import numpy as np
import pytest

from strata.utils import progbar as progbar_module
from strata.utils.progbar import Progbar, detect_display, format_step_time


class FakeClock:
    """Stands in for ``time.time`` in both libraries, so their timings agree."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(time, "time", fake)
    return fake


def _metric_values(step: int, scale: float) -> list[tuple[str, float]]:
    return [("loss", scale * (1.0 + 1.0 / step)), ("accuracy", np.float32(0.5 + 0.001 * step)), ("shift", -0.3)]


def _run(make_bar, clock, target, first_step, step, scale, with_values, engine_style):
    """Feed one sequence of updates to a bar and return what it wrote."""
    clock.now = 1000.0
    bar = make_bar()
    current = 0
    while current < (target or 7):
        current += 1
        clock.now += first_step if current == 1 else step
        values = _metric_values(current, scale) if with_values else None
        if engine_style:
            bar.update(current, values, finalize=False)
        else:
            bar.update(current, values)
    if engine_style or target is None:
        clock.now += step
        bar.update(current, _metric_values(current, scale) if with_values else None, finalize=True)


def _both(clock, kwargs, **run):
    """The output of Keras's Progbar and of ours (terminal display) for the same updates."""
    keras = pytest.importorskip("keras")
    with contextlib.redirect_stdout(io.StringIO()) as theirs:
        _run(lambda: keras.utils.Progbar(**kwargs), clock, **run)
    ours = io.StringIO()
    _run(lambda: Progbar(**kwargs, stream=ours, display="terminal"), clock, **run)
    return ours.getvalue(), theirs.getvalue()


CASES = [  # target, first step (s), later steps (s)
    (1, 0.43, 0.01),
    (4, 1.3, 0.114),
    (10, 2.0, 0.0004),
    (469, 1.7, 0.0123),
    (469, 3.0, 9.0),       # ETA in h:mm:ss, then m:ss
    (12, 0.5, 1.5),        # s/step
]


@pytest.mark.keras
@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("target, first_step, step", CASES)
@pytest.mark.parametrize("scale", [0.5, 1e-5, -0.3])
def test_matches_keras_with_values(keras, clock, verbose, target, first_step, step, scale):
    kwargs = dict(target=target, verbose=verbose, stateful_metrics=["loss", "accuracy", "shift"])
    for engine_style in (True, False):
        ours, theirs = _both(clock, kwargs, target=target, first_step=first_step, step=step, scale=scale,
                             with_values=True, engine_style=engine_style)
        assert ours == theirs
        assert ours.endswith("\n") and (verbose == 1 or ours.count("\n") == 1)


@pytest.mark.keras
@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("target, first_step, step", CASES)
def test_matches_keras_without_values(keras, clock, verbose, target, first_step, step):
    ours, theirs = _both(clock, dict(target=target, verbose=verbose), target=target, first_step=first_step,
                         step=step, scale=1.0, with_values=False, engine_style=True)
    assert ours == theirs


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    dict(target=10, verbose=1),                                   # everything averaged
    dict(target=10, verbose=1, stateless_metrics=["loss"]),
    dict(target=None, verbose=1, stateful_metrics=["loss", "accuracy", "shift"]),
    dict(target=10, verbose=1, width=30, unit_name="sample", interval=0.0),
])
def test_matches_keras_averaging_unknown_target_and_options(keras, clock, kwargs):
    ours, theirs = _both(clock, kwargs, target=kwargs["target"], first_step=0.2, step=0.03, scale=0.7,
                         with_values=True, engine_style=False)
    assert ours == theirs


@pytest.mark.keras
def test_add_matches_keras(keras, clock):
    theirs_bar = keras.utils.Progbar(8, stateful_metrics=["loss"])
    ours_out = io.StringIO()
    ours_bar = Progbar(8, stateful_metrics=["loss"], stream=ours_out, display="terminal")
    with contextlib.redirect_stdout(io.StringIO()) as theirs_out:
        for bar in (theirs_bar, ours_bar):
            clock.now = 2000.0
            bar._start = clock.now
            for i in range(4):
                clock.now += 0.3
                bar.add(2, [("loss", 0.1 * i)])
    assert ours_out.getvalue() == theirs_out.getvalue()


def test_exact_keras_bytes_for_a_four_step_epoch(clock):
    out = io.StringIO()
    bar = Progbar(4, stream=out, display="terminal", stateful_metrics=["loss"])
    clock.now += 0.433
    bar.update(1, [("loss", 0.7566)], finalize=False)
    clock.now += 0.2
    bar.update(4, [("loss", 0.7967)], finalize=True)
    first = ("\r\x1b[1m1/4\x1b[0m \x1b[32m" + "━" * 5 + "\x1b[0m\x1b[37m" + "━" * 15 + "\x1b[0m "
             "\x1b[1m1s\x1b[0m 433ms/step - loss: 0.7566")
    final = ("\b" * 53 + "\r\x1b[1m4/4\x1b[0m \x1b[32m" + "━" * 20 + "\x1b[0m\x1b[37m\x1b[0m "
             "\x1b[1m1s\x1b[0m 67ms/step - loss: 0.7967 \n")  # padded over the wider first line
    assert out.getvalue() == first + final


def test_log_display_writes_one_plain_line_per_finalisation(clock):
    out = io.StringIO()
    for epoch in range(3):
        bar = Progbar(469, stream=out, display="log", stateful_metrics=["loss", "tiny"])
        for step in range(1, 470):
            clock.now += 0.0123
            bar.update(step, [("loss", 0.5 - 0.1 * epoch), ("tiny", 1e-5)], finalize=False)
        bar.update(469, [("loss", 0.5 - 0.1 * epoch), ("tiny", 1e-5)], finalize=True)
    text = out.getvalue()
    assert "\b" not in text and "\r" not in text and "\x1b" not in text
    lines = text.splitlines()
    assert len(lines) == 3 and text.endswith("\n")
    assert lines[0] == "469/469 " + "━" * 20 + " 6s 12ms/step - loss: 0.5000 - tiny: 1.0000e-05"
    assert lines[2].endswith(" - loss: 0.3000 - tiny: 1.0000e-05")


@pytest.mark.keras
def test_log_line_is_the_keras_final_line_without_colours(keras, clock):
    kwargs = dict(target=10, stateful_metrics=["loss", "accuracy", "shift"])
    _, theirs = _both(clock, kwargs, target=10, first_step=1.0, step=0.2, scale=0.5, with_values=True,
                      engine_style=True)
    ours = io.StringIO()
    _run(lambda: Progbar(**kwargs, stream=ours, display="log"), clock, target=10, first_step=1.0, step=0.2,
         scale=0.5, with_values=True, engine_style=True)
    final_keras_line = theirs.rsplit("\r", 1)[1]
    for code in ("\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"):
        final_keras_line = final_keras_line.replace(code, "")
    assert ours.getvalue() == final_keras_line


def test_notebook_display_throttles_a_burst(clock):
    out = io.StringIO()
    writes = []
    out.write = lambda s, _w=out.write: (writes.append(s), _w(s))[1]
    bar = Progbar(1000, stream=out, display="notebook", stateful_metrics=["loss"])
    for step in range(1, 1001):
        clock.now += 0.001  # 1000 steps in one second
        bar.update(step, [("loss", 1.0 / step)])
    assert 4 <= len(writes) <= 6  # first, then at most one per 0.25 s, then the final one
    assert all(w.startswith("\r") and "\b" not in w for w in writes)
    assert writes[-1].endswith("\n") and writes[-1].startswith("\r\x1b[1m1000/1000\x1b[0m")
    terminal = io.StringIO()
    bar = Progbar(1000, stream=terminal, display="terminal")
    clock.now = 0.0
    for step in range(1, 1001):
        clock.now += 0.001
        bar.update(step)
    assert terminal.getvalue().count("\r") > len(writes)  # the terminal keeps Keras's 0.05 s


def test_shorter_line_is_padded_over_the_previous_one(clock):
    out = io.StringIO()
    bar = Progbar(3, stream=out, display="notebook", stateful_metrics=["loss"])
    clock.now += 0.5
    bar.update(1, [("loss", 123.456)])
    clock.now += 0.5
    bar.update(3, [("loss", 0.5)])
    first, second = out.getvalue().split("\r")[1:]
    assert second.endswith("loss: 0.5000" + " " * 2 + "\n")


def test_verbose_zero_is_silent_and_verbose_two_ignores_display(clock):
    for display in ("terminal", "notebook", "log"):
        out = io.StringIO()
        bar = Progbar(2, verbose=0, stream=out, display=display)
        bar.update(1), bar.update(2)
        assert out.getvalue() == ""
        out = io.StringIO()
        bar = Progbar(2, verbose=2, stream=out, display=display, stateful_metrics=["d"])
        for step in (1, 2):
            clock.now += 0.002
            bar.update(step, [("d", -0.3)])
        assert out.getvalue() == "2/2 - 0s - 2ms/step - d: -3.0000e-01\n"


def test_default_stream_is_sys_stdout_at_write_time(clock, capsys):
    bar = Progbar(1, verbose=2)
    bar.update(1)
    assert capsys.readouterr().out == "1/1 - 0s - 0s/step\n"


def test_detect_display(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    monkeypatch.delitem(__import__("sys").modules, "ipykernel", raising=False)
    assert detect_display(Tty()) == "terminal"
    assert detect_display(io.StringIO()) == "log"
    monkeypatch.setenv("PYCHARM_HOSTED", "1")
    assert detect_display(io.StringIO()) == "terminal"

    class Shell:
        kernel = object()

    fake_ipython = type("IPython", (), {"get_ipython": staticmethod(lambda: Shell())})
    sys_modules = __import__("sys").modules
    monkeypatch.setitem(sys_modules, "ipykernel", object())
    monkeypatch.setitem(sys_modules, "IPython", fake_ipython)
    assert detect_display(io.StringIO()) == "notebook"
    assert Progbar(3, stream=io.StringIO()).display == "notebook"


def test_format_step_time():
    assert format_step_time(2.4) == "2s/step"
    assert format_step_time(0.4554) == "455ms/step"
    assert format_step_time(0.000904) == "904us/step"
    assert format_step_time(0.0, "sample") == "0s/sample"


def test_bad_arguments():
    with pytest.raises(ValueError, match="Received: display='tty'"):
        Progbar(3, display="tty")
    with pytest.raises(ValueError, match="only one of `stateful_metrics`"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    assert progbar_module.NOTEBOOK_INTERVAL >= 0.25
