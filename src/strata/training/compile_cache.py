"""The persistent XLA compilation cache, so a rerun of the same program does not compile again.

Enabled on the first compiled program.  The folder is ``$STRATA_HOME/jax_cache`` (``STRATA_HOME``
defaults to ``~/.strata``); ``strata.config``-style control is :func:`set_cache_dir`, and
``set_cache_dir(None)`` turns the cache off for this process.
"""

from __future__ import annotations

import os
import pathlib

_state = {"enabled": False, "dir": None, "disabled": False}


def default_dir() -> pathlib.Path:
    home = os.environ.get("STRATA_HOME") or os.path.join(os.path.expanduser("~"), ".strata")
    return pathlib.Path(home) / "jax_cache"


def set_cache_dir(path: str | os.PathLike | None) -> None:
    """Use ``path`` for the persistent compilation cache, or ``None`` to switch it off."""
    _state["disabled"] = path is None
    _state["dir"] = None if path is None else str(path)
    _state["enabled"] = False
    if path is not None:
        enable()


def enable() -> None:
    """Point JAX's persistent compilation cache at strata's folder (once per process)."""
    if _state["enabled"] or _state["disabled"]:
        return
    import jax

    if _state["dir"] is None and jax.config.jax_compilation_cache_dir:
        _state["enabled"] = True  # the user configured JAX's cache themselves
        return
    path = _state["dir"] or str(default_dir())
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        _state["disabled"] = True
        return
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    _state["enabled"] = True
