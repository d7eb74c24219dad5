"""``Add`` and its functional form ``add``: the elementwise sum of a list of tensors."""

from __future__ import annotations

from typing import Any

from strata.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of inputs elementwise (``keras.layers.Add``).

    Called on a list of tensors of the same shape (dimensions of size 1 broadcast); returns one
    tensor of that shape.

    Example:
        >>> import numpy as np
        >>> np.asarray(Add()([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[4.0, 6.0]]
    """

    def _merge_function(self, inputs: list[Any]) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


def add(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Add`: ``add([x1, x2])`` is ``Add()([x1, x2])``.

    Args:
        inputs: a list of tensors of the same shape.
        **kwargs: layer arguments such as ``name``.
    """
    return Add(**kwargs)(inputs)
