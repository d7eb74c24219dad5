"""``pad_sequences`` (``keras.utils``, also ``keras.preprocessing.sequence``): ragged lists to one array.

Text and event data arrive as sequences of different lengths (token ids of sentences, readings of
sessions).  A model wants one rectangular array, so each sequence is cut to ``maxlen`` steps
(``truncating``: drop from the front, ``"pre"``, or the back, ``"post"``) and the shorter ones are
filled with ``value`` (``padding``: before, ``"pre"``, or after, ``"post"``).  Each step may itself be
an array (a vector per step): its shape is taken from the first non-empty sequence and every other
sequence must agree.  Results, dtypes and error messages follow Keras 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _step_shape_and_lengths(sequences: Sequence) -> tuple[tuple[int, ...], list[int]]:
    """The shape of one step (from the first non-empty sequence) and every sequence's length."""
    step_shape, lengths = None, []
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {sequence}"
            ) from error
        if step_shape is None and len(sequence):
            step_shape = np.asarray(sequence).shape[1:]
    return step_shape or (), lengths


def pad_sequences(
    sequences: Sequence[Sequence[Any]],
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: float | str = 0.0,
) -> np.ndarray:
    """Pad (and cut) a list of sequences to one array of shape ``(len(sequences), maxlen, ...)``.

    Args:
        sequences: a list of sequences (lists or arrays); each step may be a number or an array
            (all steps the same shape).
        maxlen: the length of the result; ``None`` uses the longest sequence.
        dtype: the dtype of the result (``object`` or a string dtype for sequences of strings).
        padding: ``"pre"`` (fill before a short sequence) or ``"post"`` (after it).
        truncating: ``"pre"`` (drop the first steps of a long sequence) or ``"post"`` (the last).
        value: the fill value (a string needs ``dtype=object`` or a string dtype).

    Returns:
        A NumPy array of ``dtype``; empty sequences become rows of ``value`` only.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post", truncating="post")
        array([[1, 0],
               [2, 3],
               [4, 5]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    step_shape, lengths = _step_shape_and_lengths(sequences)
    if maxlen is None:
        if not lengths:
            raise ValueError(
                "`sequences` is empty and `maxlen` is None, so the padded length is unknown. "
                "Pass at least one sequence, or `maxlen`."
            )
        maxlen = int(np.max(lengths))
    string_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not string_dtype:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    padded = np.full((len(sequences), maxlen) + tuple(step_shape), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        if truncating == "pre":
            kept = sequence[-maxlen:]
        elif truncating == "post":
            kept = sequence[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != step_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {row} is different from "
                f"expected shape {step_shape}"
            )
        if padding == "post":
            padded[row, :len(kept)] = kept
        elif padding == "pre":
            padded[row, -len(kept):] = kept
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return padded
