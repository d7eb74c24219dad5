"""Parity helpers for the recurrent family: the same layer in strata and real Keras, compared.

``twin(keras, make, x)`` builds ``make(lib)`` in both libraries on ``x`` and copies strata's weights
into Keras's.  ``assert_same_outputs`` compares every output (states included) and
``assert_same_gradients`` the gradients of a fixed weighted sum of the outputs with respect to the
inputs and every trainable weight (Keras's through ``stateless_call``).  strata always runs with
JAX rank promotion strict, also inside the relaxed ``keras`` fixture.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import strata
from strata.core.scope import StatelessScope


def flat(value) -> list:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in flat(item)]
    return [value]


def strict(fn, *args, **kwargs):
    with jax.numpy_rank_promotion("raise"):
        return fn(*args, **kwargs)


def twin(keras, make, x, **call_kwargs):
    """``(ours, theirs)``: ``make(strata)`` and ``make(keras)``, built on ``x``, same weights."""
    ours, theirs = make(strata), make(keras)
    strict(ours, x, **call_kwargs)
    theirs(x, **call_kwargs)
    theirs.set_weights([np.asarray(w) for w in ours.get_weights()])
    return ours, theirs


def assert_same_outputs(ours, theirs, x, atol: float = 1e-5, **call_kwargs) -> list:
    a = flat(strict(ours, x, **call_kwargs))
    b = flat(theirs(x, **call_kwargs))
    assert len(a) == len(b)
    for p, q in zip(a, b):
        assert np.shape(p) == np.shape(q)
        np.testing.assert_allclose(np.asarray(p), np.asarray(q), atol=atol, rtol=1e-5)
    return [np.asarray(p) for p in a]


def _weighted_sum(outputs) -> jax.Array:
    total = jnp.zeros((), "float32")
    for out in flat(outputs):
        coefficients = jnp.reshape(jnp.sin(jnp.arange(out.size, dtype="float32") + 1.0), out.shape)
        total = total + jnp.sum(out * coefficients)
    return total


def assert_same_gradients(ours, theirs, x, atol: float = 1e-4, **call_kwargs) -> None:
    x = jnp.asarray(x)

    def ours_loss(weights, inputs):
        with StatelessScope(zip(ours.trainable_weights, weights)):
            return _weighted_sum(ours(inputs, **call_kwargs))

    def theirs_loss(weights, inputs):
        non_trainable = [v.value for v in theirs.non_trainable_variables]
        outputs, _ = theirs.stateless_call(weights, non_trainable, inputs, **call_kwargs)
        return _weighted_sum(outputs)

    ours_weights = [w.value for w in ours.trainable_weights]
    theirs_weights = [v.value for v in theirs.trainable_variables]
    assert len(ours_weights) == len(theirs_weights) > 0
    g_ours = strict(jax.jit(jax.grad(ours_loss, argnums=(0, 1))), ours_weights, x)
    g_theirs = jax.jit(jax.grad(theirs_loss, argnums=(0, 1)))(theirs_weights, x)
    for p, q in zip(flat(list(g_ours[0]) + [g_ours[1]]), flat(list(g_theirs[0]) + [g_theirs[1]])):
        np.testing.assert_allclose(np.asarray(p), np.asarray(q), atol=atol, rtol=1e-4)


def strip_name(config: dict) -> dict:
    """A config without layer names (also inside nested layer entries), tuples as lists."""
    if isinstance(config, dict):
        return {k: strip_name(v) for k, v in config.items() if k != "name"}
    if isinstance(config, (list, tuple)):
        return [strip_name(v) for v in config]
    return config
