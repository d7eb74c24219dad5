"""``Maximum`` and its functional form ``maximum``: the elementwise maximum of a list of tensors."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.merging.base_merge import Merge


class Maximum(Merge):
    """The elementwise maximum of a list of inputs (``keras.layers.Maximum``).

    Called on a list of tensors of the same shape (dimensions of size 1 broadcast); returns one
    tensor of that shape.

    Example:
        >>> import numpy as np
        >>> np.asarray(Maximum()([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[3.0, 4.0]]
    """

    def _merge_function(self, inputs: list[Any]) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = jnp.maximum(output, x)
        return output


def maximum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Maximum`: ``maximum([x1, x2])`` is ``Maximum()([x1, x2])``.

    Args:
        inputs: a list of tensors of the same shape.
        **kwargs: layer arguments such as ``name``.
    """
    return Maximum(**kwargs)(inputs)
