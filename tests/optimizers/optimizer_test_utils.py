"""Shared helpers for the optimizer tests: identical variables and fixed gradients in both libraries."""

from __future__ import annotations

import numpy as np

SHAPES = {"kernel": (3, 4), "bias": (4,)}


def make_arrays(steps: int, seed: int = 0):
    """Initial weights and `steps` gradient lists (float32, fixed seed)."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s).astype("float32") for s in SHAPES.values()]
    grads = [[rng.normal(size=s).astype("float32") for s in SHAPES.values()] for _ in range(steps)]
    return weights, grads


def strata_variables(weights, constraints=(None, None)):
    from strata.core import naming
    from strata.core.variable import Variable

    with naming.name_scope("seq"), naming.name_scope("dense"):
        return [
            Variable(w, name=name, constraint=c)
            for w, name, c in zip(weights, SHAPES, constraints)
        ]


def keras_variables(keras, weights, constraints=(None, None)):
    with keras.name_scope("seq"), keras.name_scope("dense"):
        variables = [keras.Variable(w, name=name) for w, name in zip(weights, SHAPES)]
    for variable, constraint in zip(variables, constraints):
        variable.constraint = constraint  # keras.Variable ignores the constructor argument
    return variables

