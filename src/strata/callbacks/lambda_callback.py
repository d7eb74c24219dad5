"""``LambdaCallback``: a callback assembled from plain functions."""

from __future__ import annotations

import functools
from typing import Any, Callable

from strata.callbacks.callback import Callback

_HOOKS = frozenset(name for name in vars(Callback) if name.startswith("on_"))


def _as_hook(name: str, function: Callable) -> Callable:
    """``function`` called as Keras calls hooks: positionally, with ``logs`` always a dict.

    The engine may omit ``logs`` (``on_train_begin()``) or pass it by keyword; a user function
    written for Keras (``lambda logs: ...``, ``lambda epoch, logs: ...``) expects it positionally.
    """
    indexed = "batch" in name or "epoch" in name  # (batch|epoch, logs) rather than (logs)

    @functools.wraps(function)
    def hook(*args: Any, **kwargs: Any) -> Any:
        index, rest = (args[:1], args[1:]) if indexed else ((), args)
        logs = kwargs["logs"] if "logs" in kwargs else (rest[0] if rest else None)
        return function(*index, {} if logs is None else logs)

    return hook


class LambdaCallback(Callback):
    """A callback whose hooks are the functions you pass (``keras.callbacks.LambdaCallback``).

    Each function replaces the hook of the same name and is called with the hook's positional
    arguments: ``(epoch, logs)`` for epoch hooks, ``(batch, logs)`` for batch hooks, ``(logs)`` for
    begin/end hooks.  Any other hook (``on_test_end=...``, ``on_predict_batch_end=...``) can be
    given as a keyword argument; other keyword arguments are set as attributes.  ``logs`` is always
    passed, as a dict (empty when the hook has no logs).

    Only hooks actually given are installed, so a ``LambdaCallback`` with epoch functions alone
    keeps training fused; giving a train batch hook makes ``fit`` dispatch one step at a time.

    Args:
        on_epoch_begin: called at the start of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_train_begin: called once when training starts.
        on_train_end: called once when training ends.
        on_train_batch_begin: called before every training batch.
        on_train_batch_end: called after every training batch.
        **kwargs: other hooks, by name.

    Example:

    >>> losses = []
    >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> callback.on_epoch_end(0, {"loss": 0.5}); losses
    [0.5]
    """

    def __init__(self, on_epoch_begin: Callable | None = None, on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None, on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None, on_train_batch_end: Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, function in hooks.items():
            if function is None:
                continue
            if not name.startswith("on_"):  # any other keyword becomes an attribute, as in Keras
                setattr(self, name, function)
                continue
            if name not in _HOOKS:
                raise ValueError(
                    f"Unknown callback hook `{name}` passed to LambdaCallback. Hooks are: "
                    f"{', '.join(sorted(_HOOKS))}. Received: {name}={function!r}")
            if not callable(function):
                raise TypeError(f"LambdaCallback hooks must be callables. Received: {name}={function!r}")
            setattr(self, name, _as_hook(name, function))

    def __repr__(self) -> str:
        given = sorted(name for name in vars(self) if name in _HOOKS)
        return f"LambdaCallback({', '.join(given)})"
