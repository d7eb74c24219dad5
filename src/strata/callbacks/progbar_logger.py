"""``ProgbarLogger``: the progress lines ``fit``, ``evaluate`` and ``predict`` print."""

from __future__ import annotations

from typing import Any

from strata.callbacks.callback import Callback


class ProgbarLogger(Callback):
    """Prints Keras's progress output (``verbose=1`` bar, ``verbose=2`` one line per epoch).

    The engine updates it at chunk boundaries (a few times per second at most), so it never
    forces step-by-step execution.
    """

    _replayable = True
    _needs_train_batches = False
    _needs_test_batches = False
    _needs_predict_batches = False

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: int | None = None
        self.progbar: Any = None
        self._seen = 0

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _reset(self, target: int | None = None) -> None:
        from strata.utils.progbar import Progbar

        self._seen = 0
        self.progbar = Progbar(target=target if target is not None else self.target,
                               verbose=self.verbose, unit_name="step")

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._training = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._reset()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, logs)

    def backdate(self, seconds: float) -> None:
        """Count ``seconds`` already spent on this epoch (epochs that ran fused, then replayed)."""
        if self.progbar is not None:
            self.progbar._start -= seconds

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not getattr(self, "_training", False):
            self._reset(self.params.get("steps"))

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not getattr(self, "_training", False):
            self._update(batch, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not getattr(self, "_training", False):
            self._finalize(logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._reset(self.params.get("steps"))

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finalize(None)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finalize(logs)

    def _update(self, batch: int, logs: dict | None) -> None:
        if self.progbar is None:
            self._reset()
        self._seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self._seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs: dict | None) -> None:
        if self.progbar is None:
            self._reset()
        target = self.progbar.target if self.progbar.target is not None else self._seen
        self.progbar.update(target, list((logs or {}).items()), finalize=True)
