"""Argument checks and shape arithmetic shared by convolution, pooling and reshaping layers.

Output sizes follow Keras (``KERAS_NOTES_2.md`` §1.3): with ``k_eff = d*(k-1)+1``, ``valid`` gives
``floor((n - k_eff)/s) + 1``, ``same`` gives ``ceil(n/s)`` (the extra padding pixel at the end), and
``causal`` (Conv1D only) pads ``d*(k-1)`` zeros on the left.
"""

from __future__ import annotations

from typing import Any

from strata import config


def normalize_tuple(value: Any, rank: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """``value`` as a ``rank``-tuple of ints (an int is repeated), with Keras's error wording."""
    if isinstance(value, int) and not isinstance(value, bool):
        result = (value,) * rank
    else:
        try:
            result = tuple(value)
        except TypeError:
            result = None
        if result is None or len(result) != rank or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in result):
            raise ValueError(
                f"The `{name}` argument must be a tuple of {rank} integers. Received {name}={value!r}"
            )
    low = 0 if allow_zero else 1
    if any(v < low for v in result):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {rank} integers, each "
            f"{'>= 0' if allow_zero else '> 0'}. Received {name}={value!r}, including "
            f"{[v for v in result if v < low]} that do not satisfy the requirement."
        )
    return result


def normalize_padding(value: Any, allow_causal: bool = False) -> str:
    """``"valid"``, ``"same"`` (or ``"causal"`` where allowed), lower-cased."""
    padding = value.lower() if isinstance(value, str) else value
    allowed = {"valid", "same"} | ({"causal"} if allow_causal else set())
    if padding not in allowed:
        raise ValueError(
            "The `padding` argument must be a list/tuple or one of "
            f"{sorted(allowed)}. Received: {value}"
        )
    return padding


def standardize_data_format(value: Any) -> str:
    """``None`` -> the global ``image_data_format()``; otherwise checked and lower-cased."""
    if value is None:
        return config.image_data_format()
    data_format = str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value!r}"
        )
    return data_format


def output_length(length: int | None, kernel: int, padding: str, stride: int, dilation: int = 1) -> int | None:
    """Size of one spatial axis after a convolution or pooling window (``None`` stays ``None``)."""
    if length is None:
        return None
    effective = dilation * (kernel - 1) + 1
    if padding == "valid":
        return (length - effective) // stride + 1
    return (length - 1) // stride + 1  # "same" and "causal"


def same_padding(length: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """``(before, after)`` zeros of ``same`` padding on one axis (the odd pixel goes after)."""
    effective = dilation * (kernel - 1) + 1
    out = (length - 1) // stride + 1
    total = max((out - 1) * stride + effective - length, 0)
    return total // 2, total - total // 2


_ORDINALS = ("1st", "2nd", "3rd")


def normalize_pairs(value: Any, rank: int, name: str) -> tuple[tuple[int, int], ...]:
    """Per-axis ``(before, after)`` amounts from Keras's three forms (padding and cropping layers).

    An int ``p`` gives ``(p, p)`` on every axis, ``rank`` ints give ``(a, a), (b, b), ...``, and
    ``rank`` pairs are taken as they are.  Every amount must be a non-negative integer.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value!r}")
        return ((value, value),) * rank
    if isinstance(value, (list, tuple)) and len(value) == rank:
        return tuple(normalize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
                     for i, entry in enumerate(value))
    raise ValueError(
        f"`{name}` should be either an int, a tuple of {rank} ints (one symmetric amount per "
        f"spatial axis), or a tuple of {rank} tuples of 2 ints ((before, after) per spatial axis). "
        f"Received: {name}={value!r}"
    )


def spatial_axes(ndim: int, data_format: str) -> tuple[int, ...]:
    """The spatial axes of an ``ndim``-rank batch: all but batch and channels."""
    return tuple(range(1, ndim - 1)) if data_format == "channels_last" else tuple(range(2, ndim))


def check_input_rank(layer: Any, shape: tuple, ndim: int, layout: str) -> None:
    """Raise a clear error when ``layer`` receives inputs whose rank is not ``ndim``."""
    if len(shape) != ndim:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects inputs of rank {ndim} ({layout}), "
            f"but received rank {len(shape)}. Received: input_shape={tuple(shape)}"
        )
