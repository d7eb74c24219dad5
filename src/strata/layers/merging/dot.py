"""``Dot`` and its functional form ``dot``: per-sample dot products of two tensors."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata import config as strata_config
from strata.layers.merging.base_merge import Merge, Shape


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Dot(Merge):
    """Dot product of two samples-batched tensors along the given axes (``keras.layers.Dot``).

    Args:
        axes: the axis to contract, an int used for both inputs or a pair ``(axis_1, axis_2)``.
            Axis 0 (the batch axis) cannot be contracted.
        normalize: L2-normalize both inputs along the contracted axes first, so the result is
            the cosine similarity.

    The output keeps the batch axis, then the first input's other axes, then the second's; two
    ``(batch, n)`` inputs give ``(batch, 1)``.

    Example:
        >>> import numpy as np
        >>> np.asarray(Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])).tolist()
        [[11.0]]
    """

    min_inputs = 2
    max_inputs = 2

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not _is_int(axes):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"`axes` must be an int or a list of two ints. Received: axes={axes!r}")
            if len(axes) != 2 or not all(_is_int(a) for a in axes):
                raise ValueError(f"`axes` must contain exactly two integers. Received: axes={axes!r}")
        self.axes = axes
        self.normalize = normalize

    def _resolved_axes(self, a: Shape, b: Shape) -> list[int]:
        pair = [self.axes, self.axes] if _is_int(self.axes) else list(self.axes)
        return [axis % len(shape) if axis < 0 else axis for axis, shape in zip(pair, (a, b))]

    def _requirement(self) -> str:
        return f"must have equal sizes along the dot axes (axes={self.axes})"

    def _check_shapes(self, shapes: list[Shape], sources: list[str | None]) -> None:
        for shape in shapes:
            if len(shape) < 2:
                raise ValueError(
                    f"Dot layer '{self.name}' needs inputs of rank 2 or more (a batch axis and at least "
                    f"one more). Received shapes: {shapes}"
                )
        a, b = shapes
        axes = self._resolved_axes(a, b)
        if 0 in axes or axes[0] >= len(a) or axes[1] >= len(b):
            raise ValueError(
                f"Dot layer '{self.name}' cannot contract axes={self.axes} of inputs with shapes {a} and "
                f"{b}: each axis must be a non-batch axis of its input (1 to rank-1, or negative). "
                f"Received: axes={self.axes}"
            )
        super()._check_shapes(shapes, sources)

    def _pair_compatible(self, a: Shape, b: Shape) -> bool:
        if a[0] is not None and b[0] is not None and a[0] != b[0]:
            return False
        i, j = self._resolved_axes(a, b)
        return a[i] is None or b[j] is None or a[i] == b[j]

    def compute_output_shape(self, input_shape: Any) -> Shape:
        a, b = (list(s) for s in input_shape)
        i, j = self._resolved_axes(tuple(a), tuple(b))
        a.pop(i)
        b.pop(j)
        output = a + b[1:]
        return tuple(output + [1] if len(output) == 1 else output)

    def call(self, inputs: Any) -> Any:
        x, y = inputs
        i, j = self._resolved_axes(x.shape, y.shape)
        if self.normalize:
            x, y = self._l2_normalize(x, i), self._l2_normalize(y, j)
        result = jax.lax.dot_general(x, y, (((i,), (j,)), ((0,), (0,))))
        return jnp.reshape(result, (result.shape[0], 1)) if result.ndim == 1 else result

    @staticmethod
    def _l2_normalize(x: Any, axis: int) -> Any:
        inverse_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inverse_norm, jnp.asarray(1.0 / strata_config.epsilon(), x.dtype))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs: list[Any], axes: Any = -1, **kwargs: Any) -> Any:
    """Functional form of :class:`Dot`: ``dot([a, b], axes)``.

    Args:
        inputs: a list of two tensors.
        axes: the axis (or pair of axes) to contract.
        **kwargs: layer arguments such as ``normalize`` or ``name``.
    """
    return Dot(axes=axes, **kwargs)(inputs)
