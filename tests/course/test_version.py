"""``strata.version()`` and ``strata.__version__`` read as Keras 3 to tools that probe them (issue 13 §4)."""

import pytest
from packaging.version import Version

import strata


@pytest.mark.keras
def test_version_is_a_function_returning_the_version_string_like_keras(keras):
    assert callable(strata.version) and callable(keras.version)
    assert strata.version() == strata.__version__
    assert keras.version() == keras.__version__


def test_version_parses_as_the_keras_3_release_strata_reproduces():
    parsed = Version(strata.__version__)
    # KerasTuner/AutoKeras-style probes: "is this Keras 3?"
    assert parsed >= Version("3.0.0")
    assert parsed.major == 3 and strata.__version__.split(".")[0] == "3"
    assert parsed.public == "3.15.1"
    assert parsed.local == "strata.0.1.0"  # strata's own release travels as the local label
