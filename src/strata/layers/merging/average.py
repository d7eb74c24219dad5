"""``Average`` and its functional form ``average``: the elementwise mean of a list of tensors."""

from __future__ import annotations

from typing import Any

from strata.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of inputs elementwise (``keras.layers.Average``).

    Called on a list of tensors of the same shape (dimensions of size 1 broadcast); returns one
    tensor of that shape.

    Example:
        >>> import numpy as np
        >>> np.asarray(Average()([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[2.0, 3.0]]
    """

    def _merge_function(self, inputs: list[Any]) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


def average(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Average`: ``average([x1, x2])`` is ``Average()([x1, x2])``.

    Args:
        inputs: a list of tensors of the same shape.
        **kwargs: layer arguments such as ``name``.
    """
    return Average(**kwargs)(inputs)
