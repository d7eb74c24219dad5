"""Where compiled programs are kept between runs, so a rerun of the same program does not compile.

Two caches live under one root folder, ``$STRATA_HOME/cache`` (``STRATA_HOME`` defaults to
``~/.strata``):

* ``xla/``: JAX's persistent compilation cache (any model; saves the XLA compile);
* ``programs/``: whole compiled programs of models built from strata's layers, loaded without tracing
  (see :mod:`strata.training.program_cache`).

:func:`set_cache_dir` moves the root; ``set_cache_dir(None)`` switches both caches off for this
process.  The caches are enabled on the first compiled program.
"""

from __future__ import annotations

import os
import pathlib

_state: dict = {"enabled": False, "root": None, "disabled": False}


def default_root() -> pathlib.Path:
    home = os.environ.get("STRATA_HOME") or os.path.join(os.path.expanduser("~"), ".strata")
    return pathlib.Path(home) / "cache"


def cache_root() -> pathlib.Path | None:
    """The cache folder, or ``None`` when caching is switched off."""
    if _state["disabled"]:
        return None
    return pathlib.Path(_state["root"]) if _state["root"] else default_root()


def set_cache_dir(path: str | os.PathLike | None) -> None:
    """Keep compiled programs under ``path``, or pass ``None`` to switch caching off."""
    _state["disabled"] = path is None
    _state["root"] = None if path is None else str(path)
    _state["enabled"] = False
    if path is not None:
        enable()


def enable() -> None:
    """Point JAX's persistent compilation cache at ``<root>/xla`` (once per process)."""
    if _state["enabled"] or _state["disabled"]:
        return
    import jax

    _state["enabled"] = True
    if _state["root"] is None and jax.config.jax_compilation_cache_dir:
        return  # the user configured JAX's cache themselves
    path = cache_root() / "xla"
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        _state["disabled"] = True
        return
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
