"""The XLA optimization level of the test suite (imported by ``conftest.py`` before JAX starts).

The suite compiles thousands of small programs whose run time is negligible, and LLVM's
optimization passes were about 30% of its time (tests/layers: 251 -> 173 s on 2 cores), so tests
compile at ``--xla_backend_optimization_level=0`` unless ``XLA_FLAGS`` already sets a level.  The
programs are the same HLO; only the machine code is less tuned.  Benchmarks, users, and the slow
tests that train on a full dataset (in a subprocess given :func:`default_compile_environment`)
compile at XLA's default level.
"""

from __future__ import annotations

import os

_USER_FLAGS = os.environ.get("XLA_FLAGS", "")


def apply() -> None:
    """Set level 0 for this process and its subprocesses."""
    if "--xla_backend_optimization_level" not in _USER_FLAGS:
        os.environ["XLA_FLAGS"] = f"{_USER_FLAGS} --xla_backend_optimization_level=0".strip()


def default_compile_environment() -> dict:
    """``os.environ`` with the ``XLA_FLAGS`` the suite was started with (XLA's default level), for a
    subprocess that trains for real (compute-bound: level 0 would cost minutes)."""
    env = dict(os.environ)
    if _USER_FLAGS:
        env["XLA_FLAGS"] = _USER_FLAGS
    else:
        env.pop("XLA_FLAGS", None)
    return env
