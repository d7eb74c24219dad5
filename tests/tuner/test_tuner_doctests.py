"""The runnable examples in ``strata.tuner``'s docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["hp_types", "hyperparameters", "hypermodel", "objective", "trial", "display", "summaries", "hyperband",
           "tuners", "shared_programs",
           "vectorized", "parallel_search"]  # parallel trials (issue 14 §2)


@pytest.mark.parametrize("name", MODULES)
def test_doctest_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(f"strata.tuner.{name}")
    failures, tried = doctest.testmod(module)
    assert failures == 0 and tried > 0, module.__name__
