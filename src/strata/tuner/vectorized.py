"""Trials trained together: one compiled program, ``jax.vmap`` over the trials' stacked states.

Trials whose models share an architecture and compile setup differ only in values that live in the
training state: the weights (drawn from each trial's seeds), the learning rate (a variable of the
optimizer), the optimizer slots, dropout seeds and step counter, and the shuffle seed of the trial's
``fit``.  So one compiled program can train all of them at once: the engine's fused epochs program
(:meth:`strata.training.programs.Programs.train_epochs`) vmapped over the stacked states, the shuffle
seeds and each trial's first and last epoch.  Every trial sees the very batches its own ``fit`` would
see (its permutation comes from its own shuffle seed), so the results equal training the trials one
by one, up to float32 rounding of batched arithmetic.

* **Preparing a trial's fit.**  strata's own ``fit`` runs with no epoch to do (``epochs=initial_epoch``,
  :func:`prepare`): it checks and places the data, builds the optimizer and draws the shuffle seed
  exactly as the trial's full ``fit`` would, and hands over its run (data, programs, state).
* **Groups.**  Members with the same programs (architecture + compile setup), batch sizes and data
  train together.  A group is padded to a power of two members (idle copies that train no epoch),
  so a search compiles once per architecture and group size.
* **Early stopping, per trial.**  Copies of each trial's ``EarlyStopping`` callbacks read its logs
  after each dispatch; once they stop it, its last epoch is clamped and the vmapped loop leaves its
  state alone while the others go on.  With such callbacks, dispatches start at one epoch and
  double (like ``fit``'s fused epochs); without them all epochs run in one dispatch.  Afterwards each
  trial's own callbacks (History, CSVLogger, EarlyStopping, progress) are replayed from its logs,
  trial after trial, so files and printed lines come out as in a sequential search.
* **Best epoch weights.**  A trial's checkpoint holds its best epoch; when that is not the epoch its
  state reached, one more dispatch replays every such trial from its initial state up to its best
  epoch (the same executable and arithmetic: the same weights).

Example:
    >>> from strata.tuner.vectorized import group_size
    >>> [group_size(n) for n in (1, 3, 5, 8)]
    [1, 4, 8, 8]
"""

from __future__ import annotations

import copy
import inspect
import time
from typing import Any

import jax
import numpy as np

from strata.callbacks import Callback, EarlyStopping
from strata.callbacks.callback_list import CallbackList
from strata.training import programs as programs_module

_DISPATCH_SECONDS = 0.25


class Member:
    """One execution of one trial: its model, the model it trains (a padded twin or itself), its fit."""

    def __init__(self, trial: Any, model: Any, trainee: Any, path: str, callbacks: list, run: Any,
                 epochs: int, initial_epoch: int, verbose: int) -> None:
        self.trial, self.model, self.trainee, self.path = trial, model, trainee, path
        self.callbacks, self.run = callbacks, run
        self.epochs, self.initial_epoch, self.verbose = int(epochs), int(initial_epoch), verbose
        self.history: Any = None
        self.rows: list = []

    def group_key(self) -> tuple:
        run = self.run
        return (id(run.programs), run.batch_size, run.val_batch_size if run.val_data is not None else None,
                run.shuffle, jax.tree_util.tree_structure((run.data, run.val_data)))


class _Capture(Callback):
    def on_train_begin(self, logs: dict | None = None) -> None:
        self.run = self.model._fit_run


def fit_arguments(model: Any, fit_args: tuple, fit_kwargs: dict) -> dict:
    """``fit``'s arguments by name, as the trial's ``model.fit(*fit_args, **fit_kwargs)`` would get them."""
    return dict(inspect.signature(model.fit).bind(*fit_args, **fit_kwargs).arguments)


def prepare(trainee: Any, arguments: dict) -> Any:
    """The prepared run of ``trainee.fit(**arguments)``: its ``fit`` with no epoch to do."""
    capture = _Capture()
    initial_epoch = arguments.get("initial_epoch", 0)
    trainee.fit(**dict(arguments, epochs=initial_epoch, callbacks=[capture], verbose=0))
    return capture.run


def vectorizable(run: Any) -> bool:
    """Whether a prepared run can train in a vmapped group: in-memory data, the engine's own steps
    looped on the device, whole epochs, validation every epoch, one device."""
    from strata.core import bridge
    from strata.training.fit_loop import FitRun

    return (type(run) is FitRun and type(run.programs) is programs_module.Programs and run.data is not None
            and not run.programs.per_step and run.steps == -(-run.total // run.batch_size)
            and (run.val_data is None or isinstance(run.val_data, tuple)) and run.validation_freq == 1
            and not getattr(run.model, "run_eagerly", False) and bridge.active_distribution() is None)


def same_data(a: Any, b: Any) -> bool:
    """Whether two prepared runs train and validate on equal arrays."""
    left, right = jax.tree_util.tree_leaves((a.data, a.val_data)), jax.tree_util.tree_leaves((b.data, b.val_data))
    return len(left) == len(right) and all(
        x is y or (x.shape == y.shape and x.dtype == y.dtype and np.array_equal(np.asarray(x), np.asarray(y)))
        for x, y in zip(left, right))


def group_size(members: int) -> int:
    """Members a group is padded to: the next power of two."""
    return 1 << (members - 1).bit_length()


def _vmapped_program(programs: Any, batch_size: int, val_batch_size: int | None, shuffle: bool) -> Any:
    """``(states, data, val_data, seeds, e_lo, e_hi) -> (states, buffers)``, compiled once per setup."""
    inner = programs.train_epochs(batch_size, val_batch_size, shuffle)
    inner = getattr(inner, "jitted", inner)  # the jax.jit function behind an on-disk cached program
    batched = jax.vmap(inner, in_axes=(0, None, None, 0, 0, 0))

    def run(states: dict, data: tuple, val_data: Any, seeds: Any, e_lo: Any, e_hi: Any) -> tuple:
        programs_module.TRACE_COUNTS["train_epochs_vmapped"] += 1
        return batched(states, data, val_data, seeds, e_lo, e_hi)

    return programs._jit(("train_epochs_vmapped", batch_size, val_batch_size, shuffle), run, donate=(0,),
                         outputs=lambda states, *_: (states, 0))


class _Replay:
    """Callbacks fed from logs rows: during training, copies of a member's ``EarlyStopping`` (they
    decide when it stops); afterwards, member by member in trial order, all its callbacks with
    History and the progress logger (so files and printed lines come out as one by one)."""

    def __init__(self, member: Member, callbacks: list, progress: bool) -> None:
        run = member.run
        self.member, self.names, self.steps = member, run.programs.log_names, run.steps
        self.validates = run.val_data is not None
        self.verbose = member.verbose if progress else 0
        self.callbacks = CallbackList(callbacks, add_history=True, add_progbar=self.verbose != 0,
                                      model=member.trainee, verbose=self.verbose, epochs=member.epochs,
                                      steps=run.steps)
        member.trainee.stop_training = False
        self.logs: dict | None = None
        self.callbacks.on_train_begin()

    def epoch_end(self, epoch: int, row: np.ndarray) -> bool:
        """Replay epoch ``epoch``; whether a callback stopped training."""
        names = self.names
        logs = dict(zip(names, (float(v) for v in row[:len(names)])))
        if self.validates:
            logs.update({f"val_{n}": float(v) for n, v in zip(names, row[len(names):])})
        self.logs = logs = dict(sorted(logs.items()))
        self.callbacks.on_epoch_begin(epoch)
        if self.verbose == 1:
            self.callbacks.on_train_batch_end(self.steps - 1, {k: v for k, v in logs.items()
                                                               if not k.startswith("val_")})
        self.callbacks.on_epoch_end(epoch, logs)
        return bool(self.member.trainee.stop_training)

    def finish(self) -> Any:
        self.callbacks.on_train_end(self.logs)
        return self.callbacks.history


def _stoppers(member: Member) -> list:
    """Copies of the member's EarlyStopping callbacks that only decide (they restore no weights)."""
    stoppers = [copy.deepcopy(c) for c in member.callbacks if isinstance(c, EarlyStopping)]
    for stopper in stoppers:
        stopper.restore_best_weights, stopper.verbose = False, 0
    return stoppers


def _stack(trees: list) -> Any:
    """The trees stacked leaf by leaf, on the host (a device stack would compile a program per shape)."""
    return jax.tree_util.tree_map(lambda *leaves: np.stack([np.asarray(a) for a in leaves]), *trees)


class Group:
    """Members trained together: :meth:`train`, then each member's :func:`replay` (in trial order, across
    groups), then :meth:`restore_best`."""

    def __init__(self, members: list[Member]) -> None:
        self.members = members
        first = self.first = members[0].run
        self.program = _vmapped_program(first.programs, first.batch_size,
                                        first.val_batch_size if first.val_data is not None else None, first.shuffle)
        padded = members + [members[0]] * (group_size(len(members)) - len(members))
        self.stacked = _stack([m.run.state for m in padded])
        self.seeds = np.asarray([m.run.key for m in padded], np.int32)
        self.start = np.asarray([m.initial_epoch for m in padded], np.int64)
        self.final: Any = None
        self.reached = self.start - 1

    def _dispatch(self, states: Any, lo: np.ndarray, hi: np.ndarray) -> tuple:
        return self.program(states, self.first.data, self.first.val_data, self.seeds, lo.astype(np.int32),
                            hi.astype(np.int32))

    def train(self) -> None:
        """Run every member's epochs; its logs rows go to ``member.rows`` (up to where it stopped)."""
        members, count = self.members, len(self.members)
        states = jax.device_put(self.stacked)
        stop = np.asarray([m.epochs for m in members] + [0] * (len(self.start) - count), np.int64)
        stop[count:] = self.start[count:]  # padding members train no epoch
        deciders = [_Replay(m, _stoppers(m), progress=False) for m in members]
        for member in members:
            member.rows = []
        stoppable = any(isinstance(c, EarlyStopping) for m in members for c in m.callbacks)
        epoch, size = self.start.copy(), 1 if stoppable else programs_module.EPOCH_BUFFER
        while (epoch < stop).any():
            hi = np.maximum(epoch, np.minimum(stop, epoch + min(size, programs_module.EPOCH_BUFFER)))
            started = time.perf_counter()
            states, buffers = self._dispatch(states, epoch, hi)
            rows = np.asarray(buffers)
            for i, decider in enumerate(deciders):
                for e in range(epoch[i], hi[i]):
                    members[i].rows.append(rows[i, e - epoch[i]])
                    if decider.epoch_end(int(e), rows[i, e - epoch[i]]):
                        stop[i] = e + 1
                        break
            epoch = hi
            if time.perf_counter() - started < _DISPATCH_SECONDS / 2:
                size *= 2
        self.reached = epoch - 1  # the epoch each member's state holds
        self.final = jax.device_get(states)

    def restore_best(self, best_epoch: Any) -> None:
        """Give each member's trainee the state of its best epoch (``best_epoch(history)``: its index),
        replaying from the initial states the members whose state went past it."""
        start, targets = self.start, self.start.copy()
        for i, member in enumerate(self.members):
            if member.history is None:  # its callbacks failed: the trial fails when it is scored
                continue
            try:
                best = member.initial_epoch + best_epoch(member.history.history)
            except ValueError:  # no epoch, or no objective in the logs: the trial fails when it is scored
                continue
            if best != self.reached[i]:
                targets[i] = best + 1
        final = self.final
        if (targets > start).any():
            replayed, lo = jax.device_put(self.stacked), start.copy()
            while (lo < targets).any():
                hi = np.maximum(lo, np.minimum(targets, lo + programs_module.EPOCH_BUFFER))
                replayed, _ = self._dispatch(replayed, lo, hi)
                lo = hi
            replayed = jax.device_get(replayed)
            final = jax.tree_util.tree_map(lambda f, r: np.where(
                (targets > start).reshape((-1,) + (1,) * (np.ndim(f) - 1)), r, f), final, replayed)
        for i, member in enumerate(self.members):
            trainee = member.trainee
            trainee._pending_state = {k: jax.tree_util.tree_map(lambda a: a[i], final[k])  # noqa: B023
                                      for k in ("trainable", "non_trainable", "optimizer", "step")}
            trainee._sync_training_state()


def replay(member: Member) -> None:
    """Feed a trained member's logs to its callbacks (its copies of the user's, History, progress);
    sets ``member.history``."""
    callbacks = _Replay(member, member.callbacks, progress=True)
    for offset, row in enumerate(member.rows):
        callbacks.epoch_end(member.initial_epoch + offset, row)
    member.history = callbacks.finish()
