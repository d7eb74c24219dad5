"""The loops of ``fit``, ``evaluate`` and ``predict`` over streamed batches.

Each step is one dispatch of a loop-free compiled program (``Programs.train_batch``) on a batch the
:class:`~strata.training.streaming.Prefetcher` has already prepared and moved to the device.  The
host never waits for a step unless something must read its result: a callback with batch hooks, the
live progress bar (at most a few times per second), or the end of the epoch.  So that a fast source
cannot queue unbounded work, the loop lets at most ``_IN_FLIGHT`` steps run ahead of the device.
"""

from __future__ import annotations

import collections
import time
from typing import Any

import jax
import numpy as np

from strata.callbacks.callback_list import CallbackList
from strata.core import random as strata_random
from strata.training import checks, data_adapter, fit_loop, host_stage, streaming
from strata.training.programs import predict_function
from strata.training.streaming import BatchPreparer, Prefetcher, StreamSource

_IN_FLIGHT = 4
_PREFETCH = 4


def fit_streamed(model: Any, x: Any, *, y: Any, sample_weight: Any, shuffle: bool, validation_split: float,
                 class_weight: dict | None, steps_per_epoch: int | None, validation: Any, val_batch_size: int,
                 epochs: int, initial_epoch: int, verbose: int, callbacks: Any, validation_freq: Any) -> Any:
    """``fit`` on a stream of batches (``validation``: arrays, a :class:`StreamValidation` or ``None``)."""
    streaming.check_arguments(x, y, sample_weight, shuffle, validation_split)
    source = StreamSource(x, steps_per_epoch, shuffle=shuffle, seed=strata_random.next_seed())
    programs, preparer = prepare(model, source, class_weight)
    model.stop_training = False
    return StreamFitRun(model=model, programs=programs, source=source, preparer=preparer, val_data=validation,
                        val_batch_size=val_batch_size, epochs=epochs, initial_epoch=initial_epoch,
                        verbose=verbose, callbacks=callbacks, validation_freq=validation_freq,
                        shuffle_seed=strata_random.next_seed()).run()


def evaluate_streamed(model: Any, x: Any, y: Any, sample_weight: Any, steps: int | None, callbacks: Any,
                      verbose: int) -> dict:
    """``evaluate`` on a stream of batches: the logs by name."""
    streaming.check_arguments(x, y, sample_weight, shuffle=False)
    source = StreamSource(x, steps)
    programs, preparer = prepare(model, source)
    return run_stream_evaluation(model, programs, source, preparer, callbacks=callbacks, verbose=verbose)


def predict_streamed(model: Any, x: Any, steps: int | None, callbacks: Any, verbose: int) -> Any:
    """``predict`` on a stream of batches (targets in the batches are ignored)."""
    streaming.check_arguments(x, None, None, shuffle=False)
    source = StreamSource(x, steps)
    _, preparer = prepare(model, source, needs_targets=False)
    return run_stream_prediction(model, source, preparer, callbacks=callbacks, verbose=verbose)


def prepare(model: Any, source: StreamSource, class_weight: dict | None = None,
            needs_targets: bool = True) -> tuple[Any, BatchPreparer]:
    """Build ``model`` and its programs from the stream's first batch, checked like arrays.

    The first batch's size becomes the compiled batch size: shorter batches are padded and
    masked, so one program serves them all.
    """
    preparer = BatchPreparer(model._input_dtypes(), 0, class_weight, needs_targets,
                             transform=host_stage.transformer(model))
    x, y, _, rows = preparer.host(source.peek())
    data_adapter.check_finite(x, "x")
    if needs_targets:
        data_adapter.check_finite(y, "y")
        programs = model._prepare(x, y, rows)
    else:
        model._build_from(x, rows)
        checks.check_input_features(model, data_adapter.leaves(x))
        programs = None
    preparer.input_dtypes = model._input_dtypes()
    preparer.size = rows
    return programs, preparer


class StreamValidation:
    """Validation batches of a ``fit`` (a stream and how to prepare its batches)."""

    def __init__(self, source: StreamSource, preparer: BatchPreparer) -> None:
        self.source = source
        self.preparer = preparer


def _prefetch_depth(source: StreamSource) -> int:
    """How many prepared batches may wait: a PyDataset's ``max_queue_size``, else a few."""
    return getattr(source.source, "_max_queue_size", None) or _PREFETCH


class StreamFitRun(fit_loop.FitRun):
    """One call of ``fit`` on streamed batches: epochs of per-step dispatches."""

    def __init__(self, *, source: StreamSource, preparer: BatchPreparer, **run: Any) -> None:
        super().__init__(data=None, batch_size=0, steps=source.steps_per_epoch, shuffle=False, **run)
        self.source = source
        self.preparer = preparer

    def _fusable(self) -> bool:
        return False

    def _train_epoch(self, epoch: int) -> dict | None:
        """The steps of one epoch of the stream; their last logs (``None``: the stream had none)."""
        model, callbacks = self.model, self.callbacks
        program = self.programs.train_batch()
        per_batch = callbacks.needs_train_batches
        progress = self.verbose == 1 and not per_batch
        device_logs, step, reported = None, 0, time.perf_counter()
        in_flight: collections.deque = collections.deque()
        with Prefetcher(self.source.epoch(), self.preparer.device, _prefetch_depth(self.source)) as batches:
            for batch in batches:
                if per_batch:
                    self._before_batch(step)
                self.state, device_logs = fit_loop.dispatch(model, program, self.state, batch.x, batch.y,
                                                            batch.sample_weight, batch.mask)
                model._pending_state = self.state
                if per_batch:
                    self._after_batch(step, fit_loop.to_floats(device_logs))
                    if model.stop_training:
                        break
                elif progress and time.perf_counter() - reported >= fit_loop._PROGRESS_INTERVAL:
                    callbacks.on_train_batch_end(step, fit_loop.to_floats(device_logs))
                    reported = time.perf_counter()
                else:
                    in_flight.append(device_logs["loss"])
                    if len(in_flight) > _IN_FLIGHT:
                        in_flight.popleft().block_until_ready()
                step += 1
        if device_logs is None:
            return None
        if self.steps is None:
            for callback in callbacks.callbacks:  # the bar learns the epoch's length at its end
                if hasattr(callback, "target") and getattr(callback, "progbar", None) is not None:
                    callback.progbar.target = step
        return fit_loop.to_floats(device_logs)


def validation_logs(run: Any, val_data: Any) -> dict:
    """Validation logs inside ``fit``: streamed batches, or device-resident arrays."""
    if isinstance(val_data, StreamValidation):
        val_data.preparer.input_dtypes = run.model._input_dtypes()  # known now that the model is built
        return run_stream_evaluation(run.model, run.programs, val_data.source, val_data.preparer,
                                     callbacks=run.callbacks, verbose=0, inside_fit=True)
    return fit_loop.run_evaluation(run.model, run.programs, val_data, run.val_batch_size,
                                   callbacks=run.callbacks, verbose=0, inside_fit=True)


def run_stream_evaluation(model: Any, programs: Any, source: StreamSource, preparer: BatchPreparer,
                          callbacks: Any = None, verbose: int = 0, inside_fit: bool = False) -> dict:
    """Loss and metrics over every batch of one pass of ``source`` (or ``steps`` batches)."""
    if inside_fit:
        callback_list = callbacks
    else:
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                                     epochs=1, steps=source.steps_per_epoch)
    per_batch = callback_list.needs_test_batches
    progress = verbose == 1 and not inside_fit
    program = programs.test_batch()
    trackers, metrics = programs.fresh_accumulators()
    acc = {"trackers": trackers, "metrics": metrics}
    params = model._params(model._variable_split()) if model._pending_state is None else {
        k: model._pending_state[k] for k in ("trainable", "non_trainable", "step", "seeds")}
    callback_list.on_test_begin()
    device_logs, step = None, 0
    with Prefetcher(source.epoch(), preparer.device, _prefetch_depth(source)) as batches:
        for batch in batches:
            if per_batch:
                callback_list.on_test_batch_begin(step)
            acc, device_logs = fit_loop.dispatch(model, program, acc, params, batch.x, batch.y,
                                                 batch.sample_weight, batch.mask)
            if per_batch or progress:
                callback_list.on_test_batch_end(step, fit_loop.to_floats(device_logs))
            step += 1
    logs = {} if device_logs is None else fit_loop.to_floats(device_logs)
    callback_list.on_test_end(logs)
    return logs


def run_stream_prediction(model: Any, source: StreamSource, preparer: BatchPreparer, callbacks: Any = None,
                          verbose: int = 0) -> Any:
    """Model outputs for every batch of one pass of ``source``, concatenated."""
    callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                                 epochs=1, steps=source.steps_per_epoch)
    function = predict_function(model)
    params = model._params()
    per_batch = callback_list.needs_predict_batches
    callback_list.on_predict_begin()
    pieces = []
    with Prefetcher(source.epoch(), preparer.device, _prefetch_depth(source)) as batches:
        for step, batch in enumerate(batches):
            if per_batch:
                callback_list.on_predict_batch_begin(step)
            outputs = fit_loop.dispatch(model, function, params["trainable"], params["non_trainable"],
                                        params["seeds"], batch.x)
            rows = batch.rows
            pieces.append(jax.tree_util.tree_map(lambda o: np.asarray(o)[:rows], outputs))
            if verbose == 1 or per_batch:
                callback_list.on_predict_batch_end(step, {"outputs": pieces[-1]})
    callback_list.on_predict_end()
    if not pieces:
        raise ValueError("The data passed to `predict` produced no batches: there is nothing to predict.")
    return jax.tree_util.tree_map(lambda *parts: np.concatenate(parts, axis=0), *pieces)
