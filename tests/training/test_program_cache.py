"""Compiled programs kept on disk load and run in a later process, and are never stored broken."""

import subprocess
import sys

PROGRAM = r"""
import sys
import jax, jax.numpy as jnp
from strata.training import compile_cache
from strata.training.program_cache import CachedProgram

folder, step = sys.argv[1], sys.argv[2]
compile_cache.set_cache_dir(folder + "/strata")
if step.startswith("jax-cache"):  # the user switched on JAX's own persistent cache
    jax.config.update("jax_compilation_cache_dir", folder + "/jax")
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)

def f(x, y):
    return jnp.maximum(x @ y, 0.0).sum(0) + jnp.tanh(x).mean()

jitted = jax.jit(f)
x, y = jnp.ones((8, 4)), jnp.ones((4, 3))
if step.endswith("plain"):
    jitted(x, y)  # compiled, or loaded from JAX's persistent cache
tree = lambda *args: jax.tree_util.tree_structure(jax.eval_shape(f, *args))
print(CachedProgram(jitted, key="f", output_tree=tree)(x, y).tolist())
"""


def _run(folder, step):
    result = subprocess.run([sys.executable, "-c", PROGRAM, str(folder), step], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split("\n")[-2]


def test_a_stored_program_loads_and_runs_in_a_new_process(tmp_path):
    expected = _run(tmp_path, "store")
    stored = list((tmp_path / "strata" / "programs").glob("*.xla"))
    assert len(stored) == 1
    assert _run(tmp_path, "load") == expected
    assert list((tmp_path / "strata" / "programs").glob("*.xla")) == stored


def test_with_jaxs_own_cache_switched_on_nothing_is_stored(tmp_path):
    # On CPU an executable compiled next to executables loaded from JAX's cache can be stored without
    # its kernels ("NOT_FOUND: Function ... not found" in the next process), so strata stores none.
    expected = _run(tmp_path, "jax-cache-plain")
    assert _run(tmp_path, "jax-cache-plain") == expected
    assert _run(tmp_path, "jax-cache") == expected
    assert not (tmp_path / "strata" / "programs").exists()
    assert _run(tmp_path, "load") == expected
