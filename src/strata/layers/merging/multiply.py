"""``Multiply`` and its functional form ``multiply``: the elementwise product of a list of tensors."""

from __future__ import annotations

from typing import Any

from strata.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs elementwise (``keras.layers.Multiply``).

    Called on a list of tensors of the same shape (dimensions of size 1 broadcast); returns one
    tensor of that shape.

    Example:
        >>> import numpy as np
        >>> np.asarray(Multiply()([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[3.0, 8.0]]
    """

    def _merge_function(self, inputs: list[Any]) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


def multiply(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Multiply`: ``multiply([x1, x2])`` is ``Multiply()([x1, x2])``.

    Args:
        inputs: a list of tensors of the same shape.
        **kwargs: layer arguments such as ``name``.
    """
    return Multiply(**kwargs)(inputs)
