"""``weight_table``: a Dense network's weights in the course's dump format.

The course (the XOR lesson) prints every bias and every weight of a Dense network, one per line,
naming neurons by layer and position: ``L0N1`` is the second input, ``L1N0`` the first neuron of the
first Dense layer, and ``0B`` the bias unit feeding layer 1::

    0B -> L1N0: 1.3025760914331386e-08
    L0N0 -> L1N0 = 0.659289538860321

Biases come first for each layer (``:``), then the weights (``=``) by source neuron.  Values are
printed at full precision (Python's ``repr`` of the float32 value as a double), as the course's
``print(f"... {bias}")`` shows them, so the numbers can be pasted into a hand calculation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.explain.explain_prediction import dense_chain


def weight_table(model: Any) -> str:
    """The course's weight dump of a Dense network, as one string (one line per weight).

    Args:
        model: a built model made of Dense layers only.

    Returns:
        The lines ``"{k}B -> L{k+1}N{j}: {bias}"`` then ``"L{k}N{i} -> L{k+1}N{j} = {weight}"`` per layer.

    Example:
        >>> import strata
        >>> model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1)])
        >>> model.set_weights([np.array([[0.5], [-1.0]]), np.array([0.25])])
        >>> print(weight_table(model))
        0B -> L1N0: 0.25
        L0N0 -> L1N0 = 0.5
        L0N1 -> L1N0 = -1.0
    """
    lines = []
    for number, layer in enumerate(dense_chain(model, "weight_table")):
        kernel = np.asarray(layer.kernel.numpy())
        if layer.bias is not None:
            for to, bias in enumerate(np.asarray(layer.bias.numpy())):
                lines.append(f"{number}B -> L{number + 1}N{to}: {float(bias)}")
        for source, row in enumerate(kernel):
            for to, weight in enumerate(row):
                lines.append(f"L{number}N{source} -> L{number + 1}N{to} = {float(weight)}")
    return "\n".join(lines)
