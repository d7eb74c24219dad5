"""Whether the host stage already ran: host-side layers then pass their inputs through.

``fit``/``evaluate``/``predict`` run a model's string layers (``host_side = True``) on the host
before the compiled step (see :mod:`strata.training.host_stage`), and trace the model inside
:func:`host_stage_applied`, so those layers are the identity in the compiled program.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

_applied: contextvars.ContextVar[bool] = contextvars.ContextVar("strata_host_stage_applied", default=False)


@contextlib.contextmanager
def host_stage_applied(applied: bool = True) -> Iterator[None]:
    """Inside the block, host-side layers pass their (already processed) inputs through; with
    ``applied=False`` they compute (the host stage itself runs them so)."""
    token = _applied.set(applied)
    try:
        yield
    finally:
        _applied.reset(token)


def host_stage_active() -> bool:
    """Whether the inputs being computed on were already processed by the host stage."""
    return _applied.get()
