"""``to_categorical`` and ``normalize`` (``keras.utils``), with Keras's output types.

NumPy or list input stays on the host and returns NumPy arrays (``to_categorical`` gives float64,
as Keras does); JAX arrays go through ``strata.ops`` and stay JAX arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _is_jax_array(x: Any) -> bool:
    import jax

    return isinstance(x, jax.Array)


def _check_labels(labels: np.ndarray, num_classes: int) -> None:
    if labels.size == 0:
        return
    lowest, highest = int(labels.min()), int(labels.max())
    if lowest < 0:
        raise ValueError(
            f"`to_categorical` needs class labels in [0, num_classes). Received a negative label: {lowest}. "
            "Shift the labels so the first class is 0 (e.g. `y - y.min()`)."
        )
    if highest >= num_classes:
        raise ValueError(
            f"`to_categorical` needs class labels in [0, num_classes). Received the label {highest} with "
            f"num_classes={num_classes}. Pass num_classes={highest + 1} or more, or leave it as None."
        )


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """One-hot encode integer class labels.

    A trailing axis of size 1 is dropped first, so labels of shape ``(n, 1)`` give ``(n, C)``.

    Args:
        x: integer labels in ``[0, num_classes)`` (a list, NumPy array or JAX array).
        num_classes: the number of classes; ``None`` means ``max(x) + 1``.

    Returns:
        A float64 NumPy array for list/NumPy input, a ``floatx`` JAX array for JAX input, of shape
        ``x.shape + (num_classes,)``.

    Raises:
        ValueError: for a negative label or a label ``>= num_classes``.

    Example:
        >>> to_categorical([0, 2, 1]).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    if num_classes is not None and (isinstance(num_classes, bool) or int(num_classes) != num_classes
                                    or num_classes < 1):
        raise ValueError(f"`num_classes` must be a positive int or None. Received: num_classes={num_classes!r}")
    from strata.core.variable import Variable

    if isinstance(x, Variable):
        x = x.value
    if _is_jax_array(x):
        return _to_categorical_on_device(x, num_classes)
    labels = np.asarray(x).astype("int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if not num_classes:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    num_classes = int(num_classes)
    _check_labels(labels, num_classes)
    flat = labels.reshape(-1)
    encoded = np.zeros((flat.shape[0], num_classes))
    encoded[np.arange(flat.shape[0]), flat] = 1.0
    return encoded.reshape(labels.shape + (num_classes,))


def _to_categorical_on_device(x: Any, num_classes: int | None) -> Any:
    """JAX labels: checked when concrete; inside ``jax.jit`` they need ``num_classes``."""
    import jax

    from strata import ops

    if x.ndim > 1 and x.shape[-1] == 1:
        x = x.reshape(x.shape[:-1])
    try:
        labels = np.asarray(x).astype("int64")
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        if not num_classes:
            raise ValueError(
                "Inside a traced (jitted) function `to_categorical` cannot infer the class count. "
                "Received: num_classes=None; pass num_classes."
            ) from None
        return ops.one_hot(x, int(num_classes))
    if not num_classes:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    _check_labels(labels, int(num_classes))
    return ops.one_hot(x, int(num_classes))


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """Divide ``x`` by its ``order``-norm along ``axis``.

    For a NumPy array, all-zero slices are left as zeros (their norm is taken as 1) and the result
    is a NumPy array. Anything else goes through ``strata.ops.normalize``
    (``x / max(norm, epsilon)``) and returns a JAX array.

    Example:
        >>> normalize(np.array([[3.0, 4.0]])).tolist()
        [[0.6, 0.8]]
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis)
    from strata import ops

    return ops.normalize(x, axis=axis, order=order)
