"""Which rows of a batch are real: the padding mask of the compiled steps.

Compiled steps always see ``batch_size`` rows: a short last batch is padded and its padding rows are
masked out of losses and metrics (:mod:`strata.training.programs`).  Most layers treat rows
independently and never notice.  The few computations that mix rows (batch statistics in
``BatchNormalization``, the batch mean of an activity penalty) read the mask here, so a padded batch
gives the numbers of Keras's smaller one.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

_rows: contextvars.ContextVar[Any] = contextvars.ContextVar("strata_real_rows", default=None)


@contextlib.contextmanager
def real_rows(mask: Any) -> Iterator[None]:
    """Within the block, ``mask`` (``(batch,)``, 1 for real rows) describes the batch being computed."""
    token = _rows.set(mask)
    try:
        yield
    finally:
        _rows.reset(token)


def row_mask(x: Any) -> Any:
    """The real-rows mask broadcastable to ``x`` (shape ``(batch, 1, ..., 1)``), or ``None``.

    ``None`` outside a padded step, or when ``x`` is not batch-major with the step's batch size.
    """
    import jax.numpy as jnp

    mask = _rows.get()
    if mask is None or jnp.ndim(x) == 0 or x.shape[0] != mask.shape[0]:
        return None
    return jnp.reshape(mask, (mask.shape[0],) + (1,) * (jnp.ndim(x) - 1))
