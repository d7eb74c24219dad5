"""``Concatenate`` and its functional form ``concatenate``: join tensors along one axis."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.merging.base_merge import Merge, Shape


class Concatenate(Merge):
    """Concatenates a list of inputs along ``axis`` (``keras.layers.Concatenate``).

    Args:
        axis: the axis to join along (default: the last one). All other dimensions must match.

    Example:
        >>> import numpy as np
        >>> Concatenate()([np.zeros((2, 3)), np.zeros((2, 4))]).shape
        (2, 7)
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"`axis` must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def _requirement(self) -> str:
        return f"must have matching shapes except along the concatenation axis (axis={self.axis})"

    def _check_shapes(self, shapes: list[Shape], sources: list[str | None]) -> None:
        for shape in shapes:
            if not -len(shape) <= self.axis < len(shape):
                raise ValueError(
                    f"Concatenate layer '{self.name}' cannot join inputs of rank {len(shape)} along "
                    f"axis={self.axis}. Use an axis in [-{len(shape)}, {len(shape)}). "
                    f"Received shapes: {shapes}"
                )
        super()._check_shapes(shapes, sources)

    def _pair_compatible(self, a: Shape, b: Shape) -> bool:
        if len(a) != len(b):
            return False
        joined = self.axis % len(a)
        return all(i is None or j is None or i == j
                   for k, (i, j) in enumerate(zip(a, b)) if k != joined)

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shapes = [tuple(s) for s in input_shape]
        output = list(shapes[0])
        axis = self.axis % len(output)
        sizes = [s[axis] for s in shapes]
        output[axis] = None if None in sizes else sum(sizes)
        return tuple(output)

    def call(self, inputs: Any) -> Any:
        return jnp.concatenate(list(inputs), axis=self.axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs: list[Any], axis: int = -1, **kwargs: Any) -> Any:
    """Functional form of :class:`Concatenate`: ``concatenate([a, b], axis)``.

    Args:
        inputs: a list of tensors whose shapes match except along ``axis``.
        axis: the axis to join along.
        **kwargs: layer arguments such as ``name``.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
