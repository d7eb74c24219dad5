"""One root seed and the key streams derived from it.

Every source of randomness in strata derives from the root seed deterministically, never from the
wall clock, Python's hash order or thread timing:

* Weight initialisation runs on the host with NumPy generators seeded by ``(root, n)``, where ``n``
  counts the draws taken from the stream since the seed was set.  A fresh process therefore starts
  from the same weights, while a retry loop inside one process gets fresh weights on every pass.
* Layers that draw random numbers inside a compiled step (``Dropout``) own a :class:`SeedGenerator`
  whose seed comes from the same stream at construction.  Inside a step the key is
  ``fold_in(fold_in(key(seed), step), k)``, where ``step`` is the model's training-step counter
  (part of the training state) and ``k`` numbers the draws within the step.  Resuming training
  therefore only needs the step counter, and no key state has to be threaded through the step.
* Outside ``fit`` (a hand-written ``jax.jit`` loop around ``model.stateless_call``, Keras 3's custom
  training loop), there is no step counter: each generator keeps Keras's ``seed_generator_state``
  variable, ``[seed, calls]``, among the model's ``non_trainable_variables``.  A stateless call
  draws with ``calls`` in place of ``step`` and returns the state advanced by one, so the loop that
  threads the non-trainable values gets a new mask every step, and the same masks as ``fit``'s
  steps ``0, 1, 2, ...`` for the same seed.

Inside a step the hash behind those keys, and behind ``Dropout``'s masks (:func:`bernoulli`), is
Threefry-2x32 written out round by round (:func:`threefry2x32`).  It gives bit for bit the values of
``jax.random.fold_in`` and ``jax.random.bernoulli``, but XLA:CPU fuses it into the step, where JAX's
own CPU lowering runs every hash as a five-iteration device loop: measured on the course MNIST MLP
(two Dropout layers), that loop machinery was about 480 of the step's 590 XLA:CPU operations.

Without ``set_random_seed`` the root seed is :data:`DEFAULT_SEED`.
"""

from __future__ import annotations

import contextlib
import contextvars
import random as _py_random
from collections.abc import Iterator
from typing import Any

import numpy as np

DEFAULT_SEED = 1337
"""The root seed used when ``strata.utils.set_random_seed`` was never called."""

_root_seed = DEFAULT_SEED
_draws = 0


def set_global_seed(seed: int) -> None:
    """Restart every key stream from ``seed`` (see ``strata.utils.set_random_seed``)."""
    global _root_seed, _draws
    _root_seed = int(seed)
    _draws = 0


def global_seed() -> int:
    """The current root seed."""
    return _root_seed


def next_seed() -> int:
    """Take the next 31-bit seed from the root stream."""
    global _draws
    state = np.random.SeedSequence([_root_seed, _draws]).generate_state(1)[0]
    _draws += 1
    return int(state) & 0x7FFFFFFF


def stream_position() -> tuple[int, int]:
    """``(root seed, draws taken)``: enough to restore the stream exactly."""
    return _root_seed, _draws


def restore_stream(position: tuple[int, int]) -> None:
    """Put the root stream back where :func:`stream_position` found it."""
    global _root_seed, _draws
    _root_seed, _draws = int(position[0]), int(position[1])


def host_generator(seed: int | None = None) -> np.random.Generator:
    """A NumPy generator for host-side draws: from ``seed`` if given, else from the root stream."""
    return np.random.default_rng(next_seed() if seed is None else int(seed))


def seed_python_and_numpy(seed: int) -> None:
    """Seed Python's ``random`` and NumPy's global generator, as Keras's ``set_random_seed`` does."""
    _py_random.seed(seed)
    np.random.seed(seed)


_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


def threefry2x32(k1: Any, k2: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    """The Threefry-2x32 hash (20 rounds) of the counter pairs ``(x1, x2)`` under key ``(k1, k2)``.

    All arguments are ``uint32`` arrays that broadcast together.  The values equal JAX's
    ``threefry2x32`` primitive; the rounds are plain array operations, so XLA fuses them with their
    neighbours instead of running JAX's CPU lowering, a loop of five device iterations per hash.

    Example:
        >>> import jax, numpy as np
        >>> key = jax.random.PRNGKey(7)
        >>> a, b = threefry2x32(key[0], key[1], np.uint32(0), np.uint32(3))
        >>> bool((jax.numpy.stack([a, b]) == jax.random.fold_in(key, 3)).all())
        True
    """
    import jax.numpy as jnp
    from jax import lax

    k1, k2, x1, x2 = (jnp.asarray(v, jnp.uint32) for v in (k1, k2, x1, x2))
    keys = (k1, k2, k1 ^ k2 ^ np.uint32(0x1BD11BDA))
    x1, x2 = x1 + keys[0], x2 + keys[1]
    for block in range(5):
        for rotation in _ROTATIONS[block % 2]:
            x1 = x1 + x2
            x2 = lax.shift_left(x2, np.uint32(rotation)) | lax.shift_right_logical(x2, np.uint32(32 - rotation))
            x2 = x1 ^ x2
        x1 = x1 + keys[(block + 1) % 3]
        x2 = x2 + keys[(block + 2) % 3] + np.uint32(block + 1)
    return x1, x2


def fold_in(key: Any, data: Any) -> Any:
    """``jax.random.fold_in(key, data)`` for a raw ``uint32[2]`` key and a scalar, via :func:`threefry2x32`."""
    import jax.numpy as jnp

    first, second = threefry2x32(key[0], key[1], np.uint32(0), jnp.asarray(data).astype(jnp.uint32))
    return jnp.stack([first, second])


def bernoulli(key: Any, p: float, shape: tuple[int, ...]) -> Any:
    """``jax.random.bernoulli(key, p, shape)`` (same values) for a raw ``uint32[2]`` key and a float ``p``.

    The values are JAX's under its default ``jax_threefry_partitionable=True`` counter layout.

    Example:
        >>> import jax
        >>> key = jax.random.PRNGKey(0)
        >>> bool((bernoulli(key, 0.7, (3, 5)) == jax.random.bernoulli(key, 0.7, (3, 5))).all())
        True
    """
    import jax.numpy as jnp
    from jax import lax

    size = int(np.prod(shape, dtype=np.int64))
    if size >= 2**32:
        raise ValueError(f"`shape` holds {size} values; at most 2**32 - 1 random draws fit one key. "
                         f"Received: shape={shape}")
    # JAX's counters for a shape: the 64-bit row-major index, as (high, low) words.
    counters = lax.iota(jnp.uint32, size).reshape(shape)
    first, second = threefry2x32(key[0], key[1], np.uint32(0), counters)
    mantissa = lax.shift_right_logical(first ^ second, np.uint32(9)) | np.uint32(0x3F800000)
    uniform = lax.bitcast_convert_type(mantissa, jnp.float32) - np.float32(1.0)
    return uniform < np.float32(p)


class _StepRandom:
    """Key material for draws inside one traced step (``step=None``: each generator's own state)."""

    def __init__(self, step: Any, seeds: dict[int, Any]) -> None:
        self.step = step
        self.seeds = seeds
        self.draws = 0
        self.calls: dict[int, Any] = {}  # id(generator) -> its call count read at its first draw


_step_random: contextvars.ContextVar[_StepRandom | None] = contextvars.ContextVar(
    "strata_step_random", default=None
)


@contextlib.contextmanager
def step_random(step: Any, seeds: dict[int, Any] | None = None) -> Iterator[None]:
    """Within the block, :meth:`SeedGenerator.next` derives keys from ``step`` (a traced int).

    ``seeds`` maps ``id(generator)`` to a traced seed value, so compiled programs take seeds as
    inputs instead of baking them in as constants (one program serves many identical models).
    """
    token = _step_random.set(_StepRandom(step, seeds or {}))
    try:
        yield
    finally:
        _step_random.reset(token)


@contextlib.contextmanager
def state_random() -> Iterator[None]:
    """Within the block, generators draw from their own ``seed_generator_state`` (a stateless call
    outside ``fit``); inside an enclosing :func:`step_random` block this changes nothing."""
    if _step_random.get() is not None:
        yield
        return
    token = _step_random.set(_StepRandom(None, {}))
    try:
        yield
    finally:
        _step_random.reset(token)


class SeedGenerator:
    """A source of JAX PRNG keys owned by a layer (Keras's ``keras.random.SeedGenerator``).

    Its ``state`` variable (``seed_generator_state``, ``uint32[2]`` = ``[seed, calls]``, as in Keras)
    is listed in the owning layer's ``variables`` and ``non_trainable_variables`` but not in its
    ``weights``, and is never saved.

    Args:
        seed: an int for a fixed stream; ``None`` takes a seed from the root stream.
    """

    def __init__(self, seed: int | None = None) -> None:
        from strata.core import naming
        from strata.core.variable import Variable

        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise TypeError(
                f"`seed` must be an int or None. Received: seed={seed!r} (of type {type(seed).__name__})"
            )
        self.seed = next_seed() if seed is None else int(seed)
        self._eager_draws = 0
        with naming.name_scope(naming.auto_name("seed_generator")):
            self.state = Variable(np.array([self.seed & 0xFFFFFFFF, 0], np.uint32), trainable=False,
                                  autocast=False, name="seed_generator_state")

    def next(self) -> Any:
        """Return a new ``jax.random`` key (raw ``uint32[2]``)."""
        import jax

        context = _step_random.get()
        base = jax.random.PRNGKey(self.seed if context is None else context.seeds.get(id(self), self.seed))
        if context is None:
            # A Python count, not the state variable: a call outside any stateless call may be traced
            # by a user's own jax.jit, where arithmetic on the state would leak a tracer into it.
            self._eager_draws += 1
            return jax.random.fold_in(base, 0x7FFFFFFF - self._eager_draws)
        index = context.draws
        context.draws += 1
        if context.step is not None:
            return fold_in(fold_in(base, context.step), index)
        calls = context.calls.get(id(self))
        if calls is None:  # the first draw of this call: read the count, store it advanced by one
            state = self.state.value
            calls = context.calls[id(self)] = state[1]
            self.state.assign(state + np.array([0, 1], np.uint32))
        return fold_in(fold_in(base, calls), index)

    def get_config(self) -> dict:
        return {"seed": self.seed}
