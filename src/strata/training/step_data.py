"""How one batch reaches a step: ``data`` as ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

Keras hands ``train_step`` / ``test_step`` / ``predict_step`` the batch packed this way, and user steps
unpack it with ``keras.utils.unpack_x_y_sample_weight``; strata's compiled programs pack batches the
same way before calling a user's step.
"""

from __future__ import annotations

from typing import Any


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """Pack a batch as Keras's data adapters do: ``x`` alone, ``(x, y)`` or ``(x, y, sample_weight)``.

    A lone ``x`` that is itself a list or tuple is wrapped as ``(x,)`` so it unpacks unambiguously.

    Example:
        >>> pack_x_y_sample_weight(1, 2)
        (1, 2)
        >>> pack_x_y_sample_weight([1, 2])
        ([1, 2],)
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from a packed batch, with ``None`` for the missing parts.

    Example:
        >>> unpack_x_y_sample_weight((1, 2))
        (1, 2, None)
        >>> unpack_x_y_sample_weight(5)
        (5, None, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`. "
        f"Received a tuple of length {len(data)}: {data!r}"
    )
