"""The runnable examples in ``strata.explain``'s docstrings run and print what they say."""

import doctest
import importlib

import numpy as np
import pytest

MODULES = ["activation_maps", "feature_models", "figures", "filter_visualization", "grad_cam"]


@pytest.mark.parametrize("name", MODULES)
def test_doctest_examples_run(name):
    # by import path: the package's functions ``grad_cam``/``activation_maps`` shadow the submodules
    module = importlib.import_module(f"strata.explain.{name}")
    failures, tried = doctest.testmod(module, extraglobs={"np": np})
    assert failures == 0 and tried > 0, module.__name__
