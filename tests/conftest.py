"""Test configuration shared by the whole suite.

* JAX is strict: implicit rank promotion raises, so strata's own code broadcasts explicitly.
  Parity tests that run real Keras (which relies on rank promotion) use the ``keras`` fixture,
  which relaxes it for the duration of the test.
* Warnings are errors (``pyproject.toml``), so a warning strata emits must be expected by a test.
* Dataset loaders read the shared offline copies through ``STRATA_DATASETS_DIR``; compiled-program
  caches live in ``tests/.strata_home`` (``STRATA_HOME``), apart from the user's own.
* Each test starts with a fresh session: auto-name counters reset and the root seed restored.
* Processes started from here (xdist workers, tests' subprocesses) ask glibc for huge pages.
* XLA compiles at LLVM optimization level 0, with its older fusion emitters (``compile_level.py``
  says why and when not).
* Tests marked ``last`` are collected at the end, so the two pytest-xdist workers reach them when
  the rest of the suite is done: the full-MNIST CNN run uses every core (20 s alone, 28 s beside
  a busy worker).
"""

from __future__ import annotations

import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")
# Huge pages for XLA's per-step buffers (strata/cli/doctor.py says why).  glibc reads this when a
# process starts, so it reaches the xdist workers and the tests' subprocesses, not this process.
os.environ.setdefault("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1")
os.environ.setdefault("KERAS_HOME", str(pathlib.Path(__file__).parent / ".keras_home"))
os.environ.setdefault("STRATA_HOME", str(pathlib.Path(__file__).parent / ".strata_home"))

import compile_level  # noqa: E402  (before JAX starts its backend)

compile_level.apply()

_SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "datasets"
if _SHARED.is_dir():
    os.environ.setdefault("STRATA_DATASETS_DIR", str(_SHARED))

import jax  # noqa: E402
import pytest  # noqa: E402

jax.config.update("jax_numpy_rank_promotion", "raise")


def pytest_collection_modifyitems(config, items):
    # Stable, and the same in every xdist worker, as xdist requires.
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(autouse=True)
def _fresh_session():
    from strata.core import naming, random

    naming.reset_names()
    random.set_global_seed(random.DEFAULT_SEED)
    yield


def _keras_on_jax():
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "jax":
        pytest.skip("parity tests need KERAS_BACKEND=jax")
    return keras


@pytest.fixture(scope="module")
def keras_oracle():
    """Real Keras for many small numeric comparisons in one module: no session reset, and rank
    promotion stays strict (the Keras functions compared there do not rely on it)."""
    return _keras_on_jax()


@pytest.fixture
def keras():
    """Real Keras 3 on its JAX backend, the oracle of parity tests (rank promotion relaxed)."""
    keras = _keras_on_jax()
    keras.backend.clear_session()
    with jax.numpy_rank_promotion("allow"):
        yield keras


@pytest.fixture
def shared_datasets() -> pathlib.Path:
    """The offline copies of the real datasets (``../shared/datasets``)."""
    if not _SHARED.is_dir():
        pytest.skip("../shared/datasets is not present")
    return _SHARED
