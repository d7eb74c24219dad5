"""The course's "TensorFlow basics" program runs unchanged apart from imports."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

_SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "tensorflow_basics.py"


def test_tensorflow_basics_runs(tmp_path):
    result = subprocess.run([sys.executable, str(_SCRIPT), str(tmp_path / "mandelbrot.png")],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:6] == ["[[12.]]", "12.0", "[-2. -1.]", "[-2. -1.]", "[1. 3.]", "[1. 3.]"]
    assert re.search(r"^Mandelbrot: image 640x480, [\d.]+ s$", result.stdout, re.M)
    assert "iterations: min 0, max 200, mean" in result.stdout
    inside = int(re.search(r"points never diverging: (\d+) of 307200", result.stdout).group(1))
    assert 30000 < inside < 50000  # the main cardioid and bulbs cover about an eighth of the view
    saved = re.search(r"^saved ", result.stdout, re.M) is not None
    assert saved == (tmp_path / "mandelbrot.png").exists()
