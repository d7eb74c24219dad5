"""Axis helpers shared by the normalization layers: validate axes, shape parameters to broadcast."""

from __future__ import annotations

from typing import Any


def check_axis_argument(axis: Any, layer: str) -> int | list[int]:
    """``axis`` as Keras keeps it: an int stays an int, a list or tuple becomes a list of ints."""
    if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(
        f"{layer} expects `axis` to be an int or a list/tuple of ints. Received: axis={axis!r}. "
        "Pass e.g. axis=-1 (the features axis) or axis=[1, 2]."
    )


def check_axes_in_range(axis: Any, input_shape: Any, layer: str) -> list[int]:
    """The axes of ``axis`` (int or list) made non-negative, or a ValueError naming the bad one."""
    rank = len(input_shape)
    result = []
    for a in [axis] if isinstance(axis, int) else axis:
        if not -rank <= a < rank:
            raise ValueError(
                f"Axis {a} is out of bounds for input shape {tuple(input_shape)} of {layer}. "
                f"Received: axis={axis}. Use an axis in [-{rank}, {rank - 1}]."
            )
        result.append(a % rank)
    return result


def parameter_shape(axes: list[int], input_shape: Any, layer: str) -> tuple[int, ...]:
    """The shape of a per-feature weight over ``axes`` (all must be known)."""
    shape = tuple(input_shape[a] for a in axes)
    if any(d is None for d in shape):
        raise ValueError(
            f"{layer} needs a known size on its normalized axes {axes}. "
            f"Received: input_shape={tuple(input_shape)}. Give the input a fixed size on those axes."
        )
    return shape


def broadcast_shape(ndim: int, axes: list[int], sizes: tuple[int, ...]) -> tuple[int, ...]:
    """``(1, ..., size, ..., 1)``: a weight over ``axes`` reshaped to broadcast against rank ``ndim``."""
    shape = [1] * ndim
    for a, size in zip(axes, sizes):
        shape[a] = size
    return tuple(shape)
