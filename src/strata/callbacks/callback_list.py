"""``CallbackList``: the user's callbacks plus History and the progress logger, called in order."""

from __future__ import annotations

from typing import Any

from strata.callbacks.callback import Callback
from strata.callbacks.history import History
from strata.callbacks.progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """Calls every hook on each callback, in order (user callbacks, then History, then progress).

    Args:
        callbacks: the user's callbacks.
        add_history: append a :class:`History`.
        add_progbar: append a :class:`ProgbarLogger` (when ``verbose`` is not 0).
        model: the model the callbacks observe.
        **params: ``verbose``, ``epochs``, ``steps``.
    """

    def __init__(self, callbacks: Any = None, add_history: bool = False, add_progbar: bool = False,
                 model: Any = None, **params: Any) -> None:
        super().__init__()
        if callbacks is None:
            callbacks = []
        elif isinstance(callbacks, Callback):
            callbacks = [callbacks]
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "`callbacks` must be a list of `strata.callbacks.Callback` instances. "
                    f"Received an element of type {type(callback).__name__}: {callback!r}"
                )
        self.history = None
        if add_history:
            self.history = next((c for c in self.callbacks if isinstance(c, History)), None) or History()
            if self.history not in self.callbacks:
                self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    @property
    def needs_train_batches(self) -> bool:
        return any(c._needs_train_batches for c in self.callbacks)

    @property
    def needs_test_batches(self) -> bool:
        return any(c._needs_test_batches for c in self.callbacks)

    @property
    def needs_predict_batches(self) -> bool:
        return any(c._needs_predict_batches for c in self.callbacks)

    @property
    def needs_each_epoch(self) -> bool:
        return any(c._needs_each_epoch for c in self.callbacks)

    def _call(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(*args)


def _forwarder(hook: str):
    indexed = "epoch" in hook or "batch" in hook  # (index, logs); the others take (logs)

    def method(self: CallbackList, *args: Any, **kwargs: Any) -> None:
        if kwargs:
            args = args + tuple(kwargs.values())
        if len(args) < (2 if indexed else 1):
            args = args + ({},)  # Keras always passes a logs dict, so `def on_x(self, logs)` works
        elif args[-1] is None:
            args = args[:-1] + ({},)
        self._call(hook, *args)

    method.__name__ = hook
    return method


for _hook in ("on_batch_begin on_batch_end on_epoch_begin on_epoch_end on_train_batch_begin "
              "on_train_batch_end on_test_batch_begin on_test_batch_end on_predict_batch_begin "
              "on_predict_batch_end on_train_begin on_train_end on_test_begin on_test_end "
              "on_predict_begin on_predict_end").split():
    setattr(CallbackList, _hook, _forwarder(_hook))
