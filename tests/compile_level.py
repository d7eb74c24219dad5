"""The XLA optimization level of the test suite (imported by ``conftest.py`` before JAX starts).

The suite compiles thousands of small programs whose run time is negligible, and LLVM's
optimization passes were about 30% of its time (tests/layers: 251 -> 173 s on 2 cores), so tests
compile at ``--xla_backend_optimization_level=0`` unless ``XLA_FLAGS`` already sets a level.  They
also use XLA:CPU's older elemental emitters for fusions (``--xla_cpu_use_fusion_emitters=false``):
compiling through the newer MLIR emitters was about 40% of the rest (tests/losses, one worker:
17.5 -> 10.8 s).  The programs are the same HLO; only the machine code differs.  Benchmarks, users,
and the slow tests that train on a full dataset (in a subprocess given
:func:`default_compile_environment`) compile with XLA's defaults.
"""

from __future__ import annotations

import os

# The flags the suite was started with.  The first process to apply the suite's flags records them,
# so pytest-xdist's workers, which inherit the suite's XLA_FLAGS, still know the user's own.
_RECORD = "STRATA_SUITE_USER_XLA_FLAGS"
_USER_FLAGS = os.environ.get(_RECORD, os.environ.get("XLA_FLAGS", ""))
_SUITE_FLAGS = {"--xla_backend_optimization_level": "0", "--xla_cpu_use_fusion_emitters": "false"}


def apply() -> None:
    """Set the suite's flags for this process and its subprocesses (those the user set stay)."""
    os.environ[_RECORD] = _USER_FLAGS
    added = [f"{name}={value}" for name, value in _SUITE_FLAGS.items() if name not in _USER_FLAGS]
    os.environ["XLA_FLAGS"] = " ".join([_USER_FLAGS, *added]).strip()


def default_compile_environment() -> dict:
    """``os.environ`` with the ``XLA_FLAGS`` the suite was started with (XLA's default level), for a
    subprocess that trains for real (compute-bound: level 0 would cost minutes)."""
    env = dict(os.environ)
    if _USER_FLAGS:
        env["XLA_FLAGS"] = _USER_FLAGS
    else:
        env.pop("XLA_FLAGS", None)
    return env
