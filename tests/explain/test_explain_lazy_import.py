"""``strata.explain`` loads on first touch; ``import strata`` pulls in neither it nor matplotlib."""

import subprocess
import sys

import pytest

import strata

PROGRAM = """
import sys
import strata
assert "strata.explain" not in sys.modules, "import strata loaded strata.explain"
assert "matplotlib" not in sys.modules, "import strata loaded matplotlib"
explain = strata.explain
assert explain is sys.modules["strata.explain"] and callable(explain.visualize_filter)
assert "matplotlib" not in sys.modules, "strata.explain loaded matplotlib before a figure was asked for"
print("ok")
"""


def test_explain_is_imported_lazily():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_unknown_attributes_still_raise():
    with pytest.raises(AttributeError, match=r"module 'strata' has no attribute 'explainer'"):
        strata.explainer  # noqa: B018
    from strata.explain import visualize_filter

    assert strata.explain.visualize_filter is visualize_filter
