"""Compiled programs kept on disk, keyed by architecture, so a rerun skips tracing and compiling.

Tracing, lowering and compiling a course-sized model takes about a second.  For models made only of
strata's own layers the whole program is determined by strata's structure signature, so the compiled
executable is stored under ``$STRATA_HOME/cache/programs`` (:mod:`compile_cache`) and loaded directly.

The key covers the architecture and compile setup, the shapes and dtypes of every argument, the JAX
version and device, and a hash of strata's own source code, so an upgrade never reuses a stale
program.  Files are written atomically; a file that cannot be read is ignored and recompiled.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import tempfile
from typing import Any, Callable

import jax

from strata.training import compile_cache


@functools.lru_cache(maxsize=1)
def _source_digest() -> str:
    root = pathlib.Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _folder() -> pathlib.Path | None:
    base = compile_cache.cache_root()
    return None if base is None else base / "programs"


def _arg_signature(leaves: list) -> tuple:
    return tuple((tuple(leaf.shape), str(leaf.dtype)) if hasattr(leaf, "shape") else repr(leaf) for leaf in leaves)


class CachedProgram:
    """A jitted program whose compiled executables are also kept on disk.

    Args:
        jitted: the ``jax.jit`` function.
        key: a hashable description of everything the trace depends on besides argument shapes.
        output_tree: ``args -> PyTreeDef`` of the program's outputs (needed to load an executable).
    """

    def __init__(self, jitted: Any, key: Any, output_tree: Callable[..., Any]) -> None:
        self.jitted = jitted
        self.key = key
        self.output_tree = output_tree
        self._executables: dict[tuple, Any] = {}

    def __call__(self, *args: Any) -> Any:
        leaves, in_tree = jax.tree_util.tree_flatten((args, {}))
        # Called once per dispatch (every step with a batch hook): a cheap in-memory key first; the
        # printable signature that names the file on disk is only built on a miss.
        fast = (in_tree, tuple((leaf.shape, leaf.dtype) if hasattr(leaf, "shape") else repr(leaf) for leaf in leaves))
        executable = self._executables.get(fast)
        if executable is None:
            signature = (str(in_tree), _arg_signature(leaves))
            executable = self._load_or_compile(args, signature, in_tree)
            self._executables[fast] = executable
        return executable(*args)

    def _load_or_compile(self, args: tuple, signature: tuple, in_tree: Any) -> Any:
        from jax.experimental import serialize_executable

        folder = _folder()
        device = jax.devices()[0]
        digest = hashlib.sha256(repr((self.key, signature, jax.__version__, device.platform,
                                      getattr(device, "device_kind", ""), _source_digest())).encode()).hexdigest()
        path = folder / f"{digest}.xla" if folder is not None else None
        if path is not None and path.exists():
            try:
                return serialize_executable.deserialize_and_load(path.read_bytes(), in_tree, self.output_tree(*args))
            except Exception:  # an unreadable or foreign file: compile again and overwrite it
                pass
        compiled = self.jitted.lower(*args).compile()
        if path is not None:
            try:
                payload, _, _ = serialize_executable.serialize(compiled)
                _atomic_write(path, payload)
            except Exception:  # a program that cannot be serialized still runs, just uncached
                pass
        return compiled


def _atomic_write(path: pathlib.Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
