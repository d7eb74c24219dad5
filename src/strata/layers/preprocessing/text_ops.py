"""The string steps of ``TextVectorization``: standardize, split, n-grams (host-side, pure Python).

They reproduce TensorFlow's ops as Keras calls them:

* ``lower`` lowers ASCII letters only (``tf.strings.lower`` without an encoding), so ``"ÉCOLE"``
  becomes ``"École"``;
* ``strip_punctuation`` removes the ASCII punctuation ``!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'``;
* ``whitespace`` splits on ASCII whitespace (space, ``\\t\\n\\v\\f\\r``) and drops empty pieces (a
  no-break space stays inside its token); ``character`` splits into Unicode code points;
* n-grams of each width are listed width by width, tokens joined with one space.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from strata.layers.preprocessing.host_layer import as_text_array

_UPPER_ASCII = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_PUNCTUATION = re.compile(r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~']")
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")


def standardize(texts: np.ndarray, mode: Any, encoding: str = "utf-8") -> np.ndarray:
    """``texts`` (an object array of ``str``) standardized by ``mode`` (a name, None or a callable)."""
    if mode is None:
        return texts
    if callable(mode):
        result = mode(np.asarray(texts, dtype=str) if texts.size else np.asarray(texts, dtype="<U1"))
        return as_text_array(result, encoding)
    out = texts.copy()
    flat = out.reshape(-1)
    for i, text in enumerate(flat):
        if mode in ("lower", "lower_and_strip_punctuation"):
            text = text.translate(_UPPER_ASCII)
        if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = _PUNCTUATION.sub("", text)
        flat[i] = text
    return out


def split(texts: np.ndarray, mode: Any, layer_name: str) -> list[list[str]]:
    """One list of tokens per string of ``texts`` (rank 1, or rank 2 with a last axis of 1)."""
    if texts.ndim > 1:
        if texts.shape[-1] != 1:
            raise ValueError(
                "When using `TextVectorization` to tokenize strings, the input rank must be 1 or the last "
                f"shape dimension must be 1. Received: inputs.shape={texts.shape} with rank={texts.ndim} "
                f"(layer '{layer_name}')"
            )
        texts = texts.reshape(texts.shape[:-1])
    rows = list(texts.reshape(-1)) if texts.ndim else [texts.item()]
    if mode == "whitespace":
        return [[t for t in _WHITESPACE.split(text) if t] for text in rows]
    if mode == "character":
        return [list(text) for text in rows]
    result = mode(np.asarray(rows, dtype=str) if rows else np.asarray(rows, dtype="<U1"))
    return [[str(t) for t in (row.tolist() if hasattr(row, "tolist") else row)] for row in result]


def ngrams(rows: list[list[str]], widths: tuple[int, ...]) -> list[list[str]]:
    """Every n-gram of each width in ``widths``, width by width, joined with one space."""
    return [[" ".join(tokens[i:i + width]) for width in widths for i in range(len(tokens) - width + 1)]
            for tokens in rows]


def check_choice(value: Any, argument: str, allowed: tuple[str, ...], caller: str) -> None:
    """``value`` must be None, a callable, or one of ``allowed`` (Keras's wording)."""
    if value is None or isinstance(value, Callable) or value in allowed:
        return
    raise ValueError(
        f"Unknown value for `{argument}` argument of {caller}. Allowed values are: {allowed} (or None, or "
        f"a callable). Received: {argument}={value}"
    )
