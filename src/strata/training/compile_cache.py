"""Where compiled programs are kept between runs, so a rerun of the same program does not compile.

The folder is ``$STRATA_HOME/cache/programs`` (``STRATA_HOME`` defaults to ``~/.strata``); it holds
whole compiled programs of models built from strata's layers, loaded without tracing or compiling
(see :mod:`strata.training.program_cache`).  :func:`set_cache_dir` moves the root;
``set_cache_dir(None)`` switches the cache off for this process.

strata does not switch on JAX's own persistent compilation cache: on CPU, an executable compiled in
a process that also loads executables from JAX's cache can be stored incomplete, and fail to load
later ("NOT_FOUND: Function ... not found").  When a user configures JAX's cache themselves
(``jax_compilation_cache_dir``), strata keeps no programs on disk, for the same reason.
"""

from __future__ import annotations

import os
import pathlib

_state: dict = {"root": None, "disabled": False}


def default_root() -> pathlib.Path:
    home = os.environ.get("STRATA_HOME") or os.path.join(os.path.expanduser("~"), ".strata")
    return pathlib.Path(home) / "cache"


def cache_root() -> pathlib.Path | None:
    """The cache folder, or ``None`` when caching is switched off (here, or by JAX's own cache)."""
    if _state["disabled"] or _jax_cache_configured():
        return None
    return pathlib.Path(_state["root"]) if _state["root"] else default_root()


def set_cache_dir(path: str | os.PathLike | None) -> None:
    """Keep compiled programs under ``path``, or pass ``None`` to switch caching off."""
    _state["disabled"] = path is None
    _state["root"] = None if path is None else os.fspath(path)


def _jax_cache_configured() -> bool:
    import jax

    return bool(jax.config.jax_compilation_cache_dir) and bool(jax.config.jax_enable_compilation_cache)
