"""The epoch loop of ``fit`` and the loops of ``evaluate`` and ``predict``.

``fit`` runs in one of two modes, chosen per call:

* **epochs**: when no callback needs control between epochs (only History, the progress logger
  writing to a log or nothing, and replayable loggers such as CSVLogger are attached) and
  validation runs every epoch, many whole epochs, validation included, run in one dispatch; the
  per-epoch logs come back in a buffer and the callbacks are replayed. Dispatch sizes grow until
  one takes about a quarter of a second.
* **steps**: otherwise each epoch is one dispatch, split into chunks only when something must see
  progress inside the epoch (the ``verbose=1`` bar: a few updates per second; a callback with batch
  hooks: one step per dispatch, so it sees every batch).
"""

from __future__ import annotations

import time
from typing import Any

import jax
import numpy as np

from strata.callbacks.callback_list import CallbackList
from strata.callbacks.progbar_logger import ProgbarLogger
from strata.core import bridge
from strata.core.variable import Variable
from strata.training.programs import EPOCH_BUFFER, predict_function
from strata.training.row_order import epoch_permutation
from strata.utils import progbar

_PROGRESS_INTERVAL = 0.25
_EPOCHS_DISPATCH_SECONDS = 0.25


def to_floats(logs: dict) -> dict:
    """Device logs as sorted Python floats (one transfer)."""
    host = jax.device_get(logs)
    return {k: float(host[k]) for k in sorted(host)}


def dispatch(model: Any, program: Any, *args: Any) -> Any:
    """Run one compiled program (eagerly, op by op, when the model was compiled with run_eagerly)."""
    if getattr(model, "run_eagerly", False):
        with jax.disable_jit():
            return program(*args)
    outputs = program(*args)
    if bridge.active_distribution() is not None and jax.default_backend() == "cpu":
        # Under a distribution on CPU devices, one step at a time: a long queue of dispatches with
        # collectives can deadlock XLA:CPU's rendezvous between its devices (issue 16, seen with
        # the course CNN's per-step dispatches on 2 virtual devices).
        jax.block_until_ready(outputs)
    return outputs


class FitRun:
    """One call of ``fit``: the data, the programs, the callbacks and the epoch loop."""

    def __init__(self, *, model: Any, programs: Any, data: tuple | None, val_data: Any, batch_size: int,
                 val_batch_size: int, epochs: int, initial_epoch: int, steps: int, shuffle: bool,
                 verbose: int, callbacks: Any, validation_freq: Any, shuffle_seed: int) -> None:
        self.model = model
        self.programs = programs
        self.data = data
        self.val_data = val_data
        self.batch_size = batch_size
        self.val_batch_size = val_batch_size
        self.epochs = int(epochs)
        self.initial_epoch = int(initial_epoch)
        self.steps = steps
        self.shuffle = shuffle
        self.verbose = verbose
        self.validation_freq = validation_freq
        self.shuffle_seed = int(shuffle_seed)
        self.key = np.int32(shuffle_seed)
        self.total = None if data is None else jax.tree_util.tree_leaves(data[0])[0].shape[0]
        self.callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                                      verbose=verbose, epochs=self.epochs, steps=steps)
        self.state: dict | None = None
        self.structure: tuple | None = None  # the model's variable split and seed generators, once known

    def _validates(self, epoch: int) -> bool:
        if self.val_data is None:
            return False
        freq = self.validation_freq
        if isinstance(freq, int):
            if freq < 1:
                raise ValueError(f"`validation_freq` must be >= 1. Received: validation_freq={freq}")
            return (epoch + 1) % freq == 0
        return epoch + 1 in set(freq)

    def _fusable(self) -> bool:
        """Whether whole epochs may run inside one dispatch.

        Not when a callback needs control between epochs or batches, and not when a progress bar
        is watched live (a terminal or a notebook): there the epoch runs in chunks of about
        ``_PROGRESS_INTERVAL`` seconds so the bar moves, at the cost of one dispatch per chunk.
        """
        callbacks = self.callbacks
        full_epochs = self.steps == -(-self.total // self.batch_size)
        val_in_memory = self.val_data is None or isinstance(self.val_data, tuple)
        return (full_epochs and val_in_memory and not self.programs.per_step and self.validation_freq == 1 and not callbacks.needs_each_epoch
                and not callbacks.needs_train_batches and not getattr(self.model, "run_eagerly", False)
                and not (self.verbose == 1 and progbar.detect_display() != "log"))

    def run(self) -> Any:
        model = self.model
        model._sync_training_state()
        model._fit_run = self
        model._restored_epoch = None  # set by EarlyStopping when it restores the best weights
        callbacks = self.callbacks
        callbacks.on_train_begin()
        self._maybe_resume()
        self.state = model._read_state(self.programs)
        try:
            if self._fusable():
                logs = self._run_epochs_fused()
            else:
                logs = self._run_epochs_stepwise()
        finally:
            # Once written back (pending is None), the variables are the truth: a callback may have
            # assigned the learning rate or weights since (course issue 13: final lr after fit).
            if model._pending_state is not None:
                model._pending_state = self.state
                model._sync_training_state()
            model._fit_run = None
        callbacks.on_train_end(logs)
        return callbacks.history

    def _maybe_resume(self) -> None:
        """Continue an interrupted run restored by a callback (``BackupAndRestore``)."""
        resume = getattr(self.model, "_resume_from", None)
        if resume is None:
            return
        self.model._resume_from = None
        self.initial_epoch = max(self.initial_epoch, resume["epoch"])
        self.shuffle_seed = resume["shuffle_seed"]
        self.key = np.int32(self.shuffle_seed)
        history = self.callbacks.history
        history.history = {key: list(values) for key, values in resume["history"].items()}
        history.epoch = list(resume["history_epochs"])

    # -- epochs mode -------------------------------------------------------------------------------
    def _run_epochs_fused(self) -> dict | None:
        program = self.programs.train_epochs(self.batch_size, self.val_batch_size if self.val_data is not None else None,
                                             self.shuffle)
        names = self.programs.log_names
        epoch, size, logs = self.initial_epoch, 1, None
        while epoch < self.epochs:
            size = min(size, self.epochs - epoch, EPOCH_BUFFER)
            started = time.perf_counter()
            self.state, buffer = dispatch(self.model, program, self.state, self.data, self.val_data, self.key,
                                          np.int32(epoch), np.int32(epoch + size))
            rows = np.asarray(buffer)[:size]
            elapsed = time.perf_counter() - started
            self.model._pending_state = self.state
            self.model._sync_training_state()
            for offset, row in enumerate(rows):
                logs = dict(zip(names, (float(v) for v in row[:len(names)])))
                if self.val_data is not None:
                    val_names = getattr(self.programs, "val_log_names", names)  # a custom test_step's own
                    logs.update({f"val_{n}": float(v) for n, v in zip(val_names, row[len(names):])})
                logs = dict(sorted(logs.items()))
                self.callbacks.on_epoch_begin(epoch + offset)
                for callback in self.callbacks.callbacks:
                    if isinstance(callback, ProgbarLogger):
                        callback.backdate(elapsed / size)
                if self.verbose == 1:
                    self.callbacks.on_train_batch_end(self.steps - 1, {k: v for k, v in logs.items()
                                                                       if not k.startswith("val_")})
                self.callbacks.on_epoch_end(epoch + offset, logs)
            epoch += size
            if self.model.stop_training:
                break
            if elapsed * 2 < _EPOCHS_DISPATCH_SECONDS:
                size *= 2
        return logs

    # -- steps mode --------------------------------------------------------------------------------
    def _run_epochs_stepwise(self) -> dict | None:
        model, callbacks = self.model, self.callbacks
        logs = None
        for epoch in range(self.initial_epoch, self.epochs):
            callbacks.on_epoch_begin(epoch)
            self._reread_state()
            epoch_logs = self._train_epoch(epoch)
            if epoch_logs is None:  # a stream with nothing left (Keras's warning was given)
                model.stop_training = True
                break
            logs = dict(epoch_logs)  # may still be on the device: fetched after validation is queued
            if self._validates(epoch):
                from strata.training.stream_loop import validation_logs

                logs.update({f"val_{k}": v for k, v in validation_logs(self, self.val_data).items()})
            logs = to_floats(logs)
            model._sync_training_state()
            callbacks.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
        return logs

    def _train_epoch(self, epoch: int) -> dict | None:
        """The training steps of one epoch over the device-resident arrays; their last logs (possibly
        still device arrays: the caller fetches them with the validation logs, in one wait)."""
        programs, per_batch = self.programs, self.callbacks.needs_train_batches
        # One step per dispatch (no device loop) when steps are slow in loops or run one at a time.
        self._looped = not (programs.per_step or per_batch)
        program = programs.train_steps(self.batch_size) if self._looped else programs.train_step_at(self.batch_size)
        perm = epoch_permutation(self.key, epoch, self.total, self.batch_size, self.shuffle)
        return self._run_epoch_chunks(program, perm, per_batch)

    def _reread_state(self, keep_accumulators: bool = False) -> None:
        """Take the training state from the variables again, after callbacks could change them.

        A callback may set ``model.optimizer.learning_rate`` (``ReduceLROnPlateau``,
        ``LearningRateScheduler``) or the weights; the next dispatch must see that.  Reading is
        cheap: the variables hold the very arrays of the last dispatch.
        """
        self.model._sync_training_state()
        self.state = self.model._read_state(self.programs, self.state if keep_accumulators else None)
        self._version = Variable.assignments

    def _before_batch(self, step: int) -> None:
        """A per-batch callback's turn before step ``step``: it sees the current weights, and what it
        assigns (weights, learning rate), here or at the previous batch's end, reaches the step."""
        self.model._sync_training_state()
        self.callbacks.on_train_batch_begin(step)
        if Variable.assignments != self._version:
            self._reread_state(keep_accumulators=True)

    def _after_batch(self, step: int, logs: dict) -> None:
        self.model._sync_training_state()
        self._version = Variable.assignments  # the variables hold the state just computed
        self.callbacks.on_train_batch_end(step, logs)

    def _run_epoch_chunks(self, program: Any, perm: Any, per_batch: bool) -> dict:
        model, callbacks = self.model, self.callbacks
        progress = self.verbose == 1
        chunk = 1 if per_batch else (min(self.steps, 8) if progress else self.steps)
        lo, seconds_per_step, logs = 0, None, {}
        while lo < self.steps:
            hi = min(self.steps, lo + chunk)
            if per_batch:
                self._before_batch(lo)
            started = time.perf_counter()
            self.state, device_logs = self._advance(program, perm, lo, hi)
            model._pending_state = self.state
            if per_batch or progress:
                logs = to_floats(device_logs)
            elif hi == self.steps:
                logs = device_logs  # not waited for here: the validation dispatch can queue behind it
            if per_batch:
                self._after_batch(hi - 1, logs)
                if model.stop_training:
                    break  # e.g. TerminateOnNaN: the epoch ends here, as in Keras
            elif progress:
                callbacks.on_train_batch_end(hi - 1, logs)
            elapsed = time.perf_counter() - started
            if lo > 0 and not per_batch:
                seconds_per_step = elapsed / (hi - lo)
                chunk = max(1, min(self.steps, int(_PROGRESS_INTERVAL / max(seconds_per_step, 1e-9))))
            lo = hi
        return dict(logs)

    def _advance(self, program: Any, perm: Any, lo: int, hi: int) -> tuple[dict, dict]:
        """Run batches ``lo..hi-1``: one looped dispatch, or one dispatch per step (``per_step``)."""
        if self._looped:
            return dispatch(self.model, program, self.state, self.data, perm, np.int32(lo), np.int32(hi))
        state, device_logs = self.state, None
        for i in range(lo, hi):
            state, device_logs = dispatch(self.model, program, state, self.data, perm, np.int32(i))
        return state, device_logs


def run_evaluation(model: Any, programs: Any, data: tuple, batch_size: int, callbacks: Any = None,
                   verbose: int = 0, inside_fit: bool = False) -> dict:
    """Loss and metrics over ``data``; with ``inside_fit`` it reuses fit's callbacks silently."""
    total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
    steps = -(-total // batch_size)
    if inside_fit:
        callback_list = callbacks
    else:
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=model,
                                     verbose=verbose, epochs=1, steps=steps)
    per_batch = callback_list.needs_test_batches
    program = programs.test_step_at(batch_size) if programs.per_step else programs.test_steps(batch_size)
    trackers, metrics = programs.fresh_accumulators()
    acc = {"trackers": trackers, "metrics": metrics}
    params = model._params(model._variable_split()) if model._pending_state is None else {
        k: model._pending_state[k] for k in ("trainable", "non_trainable", "step", "seeds")}
    callback_list.on_test_begin()
    chunk = 1 if per_batch else steps
    lo, logs = 0, {}
    while lo < steps:
        hi = min(steps, lo + chunk)
        if per_batch:
            callback_list.on_test_batch_begin(lo)
        if programs.per_step:
            for i in range(lo, hi):
                acc, device_logs = dispatch(model, program, acc, params, data, np.int32(i))
        else:
            acc, device_logs = dispatch(model, program, acc, params, data, np.int32(lo), np.int32(hi))
        logs = to_floats(device_logs)
        if per_batch or (verbose == 1 and not inside_fit):
            callback_list.on_test_batch_end(hi - 1, logs)
        lo = hi
    callback_list.on_test_end(logs)
    return logs


def static_batch_size(model: Any) -> int | None:
    """The batch size a model's inputs declare (``Input(batch_shape=(4, ...))``), or ``None``."""
    sizes = {t.shape[0] for t in getattr(model, "inputs", []) or [] if t.shape}
    return sizes.pop() if len(sizes) == 1 and None not in sizes else None


def _chunk_rows(total: int, batch_size: int) -> int:
    rows = max(batch_size, 1024)
    bucket = 8
    while bucket < min(total, rows):
        bucket *= 2
    return bucket


def run_prediction(model: Any, x: Any, batch_size: int, callbacks: Any = None, verbose: int = 0) -> Any:
    """Model outputs for every row of ``x``.

    Rows go through in large padded chunks of one compiled shape; a callback that overrides a
    predict batch hook gets ``batch_size`` rows per dispatch instead, with both hooks per batch.
    """
    total = jax.tree_util.tree_leaves(x)[0].shape[0]
    steps = -(-total // batch_size)
    callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                                 epochs=1, steps=steps)
    function = predict_function(model)
    params = model._params()
    per_batch = callback_list.needs_predict_batches
    rows = batch_size if per_batch else _chunk_rows(total, batch_size)
    rows = static_batch_size(model) or rows  # a model built for one batch size (stateful RNNs) gets it
    dist = bridge.active_distribution()
    if dist is not None and not per_batch:  # issue 16: chunks split evenly over the batch axis
        rows = -(-rows // dist.num_model_replicas) * dist.num_model_replicas
    callback_list.on_predict_begin()
    pieces = []
    for start in range(0, total, rows):
        stop = min(total, start + rows)
        batch = -(-stop // batch_size) - 1
        if per_batch:
            callback_list.on_predict_batch_begin(batch)
        chunk = jax.tree_util.tree_map(lambda a: _pad_rows(a[start:stop], rows), x)
        if dist is not None:
            chunk = bridge.put_data(chunk)
        outputs = dispatch(model, function, params["trainable"], params["non_trainable"], params["seeds"], chunk)
        pieces.append(jax.tree_util.tree_map(lambda o: np.asarray(o)[: stop - start], outputs))
        if verbose == 1 or per_batch:
            callback_list.on_predict_batch_end(batch, {"outputs": pieces[-1]})
    callback_list.on_predict_end()
    if not pieces:
        raise ValueError("`x` is empty: predict needs at least one sample.")
    return jax.tree_util.tree_map(lambda *parts: np.concatenate(parts, axis=0), *pieces)


def _pad_rows(array: np.ndarray, rows: int) -> np.ndarray:
    if array.shape[0] == rows:
        return array
    pad = np.zeros((rows - array.shape[0],) + array.shape[1:], array.dtype)
    return np.concatenate([array, pad], axis=0)
