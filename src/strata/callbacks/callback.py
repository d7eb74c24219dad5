"""``Callback``: hooks called during ``fit``, ``evaluate`` and ``predict``."""

from __future__ import annotations

from typing import Any

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


class Callback:
    """Base class of callbacks (``keras.callbacks.Callback``).

    Override any hook.  ``self.model`` is the model being trained (reading it brings its weights
    up to date), ``self.params`` holds ``verbose``, ``epochs`` and ``steps``.

    Callbacks that override only epoch hooks keep training fully fused; overriding a batch hook
    makes the engine dispatch one step at a time so the hook sees every batch.
    """

    def __init__(self) -> None:
        self.params: dict = {}
        self._model: Any = None

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        if self._model is not None and hasattr(self._model, "_sync_training_state"):
            self._model._sync_training_state()
        return self._model

    # Legacy batch hooks, forwarded from the train batch hooks as Keras does.
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_train_begin(self, logs: dict | None = None) -> None: ...

    def on_train_end(self, logs: dict | None = None) -> None: ...

    def on_test_begin(self, logs: dict | None = None) -> None: ...

    def on_test_end(self, logs: dict | None = None) -> None: ...

    def on_predict_begin(self, logs: dict | None = None) -> None: ...

    def on_predict_end(self, logs: dict | None = None) -> None: ...

    # -- what the engine needs to know --------------------------------------------------------------
    def _overrides(self, *hooks: str) -> bool:
        cls = type(self)
        return any(getattr(cls, hook, None) is not getattr(Callback, hook) for hook in hooks) or any(
            hook in vars(self) for hook in hooks)

    @property
    def _needs_train_batches(self) -> bool:
        """Whether this callback must see every training batch (it overrides a batch hook)."""
        return self._overrides(*_BATCH_HOOKS)

    @property
    def _needs_test_batches(self) -> bool:
        return self._overrides("on_test_batch_begin", "on_test_batch_end")

    @property
    def _needs_predict_batches(self) -> bool:
        return self._overrides("on_predict_batch_begin", "on_predict_batch_end")

    @property
    def _needs_each_epoch(self) -> bool:
        """Whether this callback must run between epochs (it may read or change the model)."""
        return not getattr(self, "_replayable", False)
