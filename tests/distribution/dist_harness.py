"""Run a small script in a fresh interpreter with N virtual CPU devices; its last stdout line is JSON."""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]


def device_env(devices: int, xla_flags: str = "") -> dict:
    """The environment of a subprocess with ``devices`` virtual CPU devices (and the suite's other
    XLA flags, e.g. its optimization level: compile_level.py)."""
    flags = f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count={devices} {xla_flags}"
    return dict(os.environ, XLA_FLAGS=flags.strip(), JAX_PLATFORMS="cpu", PYTHONPATH=str(ROOT / "src"))


def run_script(code: str, devices: int = 4, timeout: float = 240, args: tuple = (), xla_flags: str = "") -> dict:
    """Run ``code`` with ``devices`` virtual CPU devices; return the JSON it printed last."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=device_env(devices, xla_flags), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
