"""The suite's XLA flags stay in the suite: a subprocess that trains for real gets the user's own.

pytest-xdist's workers inherit the suite's ``XLA_FLAGS``; they must still hand the flags the suite
was started with to such a subprocess (``compile_level.py``).  When they did not, the full-MNIST CNN
test trained at optimization level 0 and took 110-147 s in the suite instead of 20.
"""

from __future__ import annotations

import os

import compile_level


def test_training_subprocesses_get_the_flags_the_suite_started_with():
    started_with = os.environ["STRATA_SUITE_USER_XLA_FLAGS"]
    env = compile_level.default_compile_environment()
    assert env.get("XLA_FLAGS", "") == started_with
    for name, value in compile_level._SUITE_FLAGS.items():
        assert f"{name}={value}" in os.environ["XLA_FLAGS"] or name in started_with
        if name not in started_with:
            assert name not in env.get("XLA_FLAGS", "")
