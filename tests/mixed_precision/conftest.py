"""Every mixed-precision test starts and ends with the float32 global policy (strata and Keras)."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _float32_policy():
    from strata import mixed_precision

    mixed_precision.set_global_policy("float32")
    yield
    mixed_precision.set_global_policy("float32")
    if "keras" in sys.modules:
        sys.modules["keras"].mixed_precision.set_global_policy("float32")
