"""Lazy attributes for package ``__init__`` files (PEP 562), keeping ``import strata`` light.

A package lists what it exports but does not need at import time as ``name -> "module"`` (a
submodule) or ``name -> "module:attribute"``; the first access imports it, stores it in the
package and returns it.  ``from strata.utils import plot_model`` and ``dir(strata.utils)`` work as
with eager imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_attributes(package: str, table: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` that load the names in ``table`` on first use.

    Example:
        >>> getattr_, dir_ = lazy_attributes("strata", {"lazy_json": "json:dumps"})
        >>> getattr_("lazy_json")([1])
        '[1]'
    """

    def __getattr__(name: str) -> Any:
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module '{package}' has no attribute {name!r}")
        module_name, _, attribute = target.partition(":")
        value = importlib.import_module(module_name)
        if attribute:
            value = getattr(value, attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
