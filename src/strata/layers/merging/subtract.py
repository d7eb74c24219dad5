"""``Subtract`` and its functional form ``subtract``: ``inputs[0] - inputs[1]``."""

from __future__ import annotations

from typing import Any

from strata.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts the second input from the first, elementwise (``keras.layers.Subtract``).

    Called on a list of exactly two tensors of the same shape.

    Example:
        >>> import numpy as np
        >>> np.asarray(Subtract()([np.array([[5.0, 7.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[2.0, 3.0]]
    """

    min_inputs = 2
    max_inputs = 2

    def _merge_function(self, inputs: list[Any]) -> Any:
        return inputs[0] - inputs[1]


def subtract(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Subtract`: ``subtract([a, b])`` is ``Subtract()([a, b])``.

    Args:
        inputs: a list of two tensors of the same shape.
        **kwargs: layer arguments such as ``name``.
    """
    return Subtract(**kwargs)(inputs)
