"""The runnable examples in the docstrings of the engine's small shared modules run as they say."""

import doctest
import importlib

import pytest

MODULES = ["strata.training.row_order", "strata.core.host_buffers", "strata.core.random",
           "strata.utils.epoch_order", "strata.layers.convolutional.patch_convolution",
           "strata.layers.layer_dtype", "strata.layers.layer_stateless", "strata.layers.layer_variables"]


@pytest.mark.parametrize("name", MODULES)
def test_doctest_examples_run(name):
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module)
    assert failures == 0 and tried > 0, module.__name__
