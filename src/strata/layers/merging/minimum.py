"""``Minimum`` and its functional form ``minimum``: the elementwise minimum of a list of tensors."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.merging.base_merge import Merge


class Minimum(Merge):
    """The elementwise minimum of a list of inputs (``keras.layers.Minimum``).

    Called on a list of tensors of the same shape (dimensions of size 1 broadcast); returns one
    tensor of that shape.

    Example:
        >>> import numpy as np
        >>> np.asarray(Minimum()([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[1.0, 2.0]]
    """

    def _merge_function(self, inputs: list[Any]) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = jnp.minimum(output, x)
        return output


def minimum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Minimum`: ``minimum([x1, x2])`` is ``Minimum()([x1, x2])``.

    Args:
        inputs: a list of tensors of the same shape.
        **kwargs: layer arguments such as ``name``.
    """
    return Minimum(**kwargs)(inputs)
