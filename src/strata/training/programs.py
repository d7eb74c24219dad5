"""The compiled programs behind ``fit``, ``evaluate`` and ``predict``.

Every program is a pure function of a state pytree and device-resident data, jitted once per
*architecture* (see :mod:`strata.training.program_keys`): the 100th identical model in a loop reuses the
first model's executables.  Steps run inside ``lax.fori_loop`` with dynamic bounds, so one
executable serves whole epochs, chunks of an epoch, or many epochs at once (DESIGN.md, "Training").

A batch is always ``batch_size`` rows: the last, partial batch is padded and its padding rows are
masked out of the loss, the gradients and the metrics, so one program covers every batch and the
numbers equal Keras's smaller last batch.

State layout (a dict, donated to the train programs)::

    trainable, non_trainable, optimizer   lists of arrays aligned with the objects' variables
    metrics                               one list of arrays per compiled metric
    trackers                              [total, count] per loss tracker ("loss", "<out>_loss")
    step                                  int32 count of training steps (keys dropout)
    seeds                                 int32 seeds of the model's SeedGenerators
"""

from __future__ import annotations

import collections
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from strata.core import bridge
from strata.core.batch_rows import real_rows
from strata.core.random import SeedGenerator, step_random
from strata.training import program_keys
from strata.training.program_cache import CachedProgram
from strata.training.row_order import padded_range, permutation

TRACE_COUNTS: collections.Counter = collections.Counter()
"""How many times each program kind was traced in this process (tests use it)."""

EPOCH_BUFFER = 512
"""Most epochs one multi-epoch dispatch records."""

_CACHE: "collections.OrderedDict[Any, Programs]" = collections.OrderedDict()
_CACHE_SIZE = 16


def seed_generators(model: Any) -> list[SeedGenerator]:
    """The model's seed generators, in layer order."""
    found = []
    for layer in [model] + model._flat_layers():
        for value in vars(layer).values():
            if isinstance(value, SeedGenerator) and all(value is not g for g in found):
                found.append(value)
    return found


class Programs:
    """The jitted train, test and predict programs of one architecture and compile setup."""

    def __init__(self, model: Any, compile_loss: Any, compile_metrics: Any, optimizer: Any,
                 key: Any = None) -> None:
        self.model = model
        self.key = key if key is not None and not program_keys.mentions_ids(key) else None
        self.compile_loss = compile_loss
        self.compile_metrics = compile_metrics
        self.optimizer = optimizer
        self.trainable, self.non_trainable = model._variable_split()
        self.generators = seed_generators(model)
        self.tracker_names = ["loss"]
        if compile_loss.multi_output:
            self.tracker_names += [f"{name}_loss" for name in compile_loss.output_names]
        self.log_names = sorted(self.tracker_names + compile_metrics.names)
        self.per_step = steps_in_loops_are_slow(model)
        self._jitted: dict[Any, Any] = {}

    # -- pure pieces -----------------------------------------------------------------------------
    def _forward(self, state: dict, x: Any, training: bool, mask: Any) -> tuple[Any, list, list]:
        seeds = {id(g): state["seeds"][i] for i, g in enumerate(self.generators)}
        with step_random(state["step"], seeds), real_rows(mask):
            outputs, new_non_trainable, losses = bridge.stateless_call(
                self.model, state["trainable"], state["non_trainable"], x,
                training=training, return_losses=True, variables=(self.trainable, self.non_trainable))
        return outputs, new_non_trainable, losses

    def _loss(self, y: Any, outputs: Any, sw: Any, mask: Any, losses: list) -> tuple[Any, list, list]:
        y_pred = jax.tree_util.tree_leaves(outputs)
        y_true = jax.tree_util.tree_leaves(y)
        total, per_output = self.compile_loss(y_true, y_pred, sw, mask)
        for extra in losses:
            total = total + jnp.asarray(extra, jnp.float32)
        return total, per_output, y_pred

    def _track(self, state: dict, total: Any, per_output: list, y: Any, y_pred: list, sw: Any, mask: Any) -> dict:
        count = jnp.sum(mask)
        values = [total] + (per_output if self.compile_loss.multi_output else [])
        trackers = [[t + v * count, c + count] for (t, c), v in zip(state["trackers"], values)]
        metrics = self.compile_metrics.update(state["metrics"], jax.tree_util.tree_leaves(y), y_pred, sw, mask)
        return dict(state, trackers=trackers, metrics=metrics)

    def train_step(self, state: dict, x: Any, y: Any, sw: Any, mask: Any) -> dict:
        """One optimizer step on a padded batch (pure)."""
        def loss_fn(trainable: list) -> tuple[Any, tuple]:
            inner = dict(state, trainable=trainable)
            outputs, new_non_trainable, losses = self._forward(inner, x, True, mask)
            total, per_output, y_pred = self._loss(y, outputs, sw, mask, losses)
            # Differentiate the scaled loss, as Keras: the optimizer unscales the gradients (issue 16 §3:
            # LossScaleOptimizer's dynamic scale lives in the optimizer state; else `loss_scale_factor`).
            scale = getattr(self.optimizer, "stateless_scale_loss", None)
            scaled = self.optimizer.scale_loss(total) if scale is None else scale(state["optimizer"], total)
            return scaled, (total, per_output, y_pred, new_non_trainable)

        (_, (total, per_output, y_pred, new_non_trainable)), grads = jax.value_and_grad(
            loss_fn, has_aux=True)(state["trainable"])
        trainable, optimizer = self.optimizer.stateless_apply(state["optimizer"], grads, state["trainable"])
        state = dict(state, trainable=list(trainable), optimizer=list(optimizer),
                     non_trainable=list(new_non_trainable), step=state["step"] + 1)
        return self._track(state, total, per_output, y, y_pred, sw, mask)

    def test_step(self, state: dict, x: Any, y: Any, sw: Any, mask: Any) -> dict:
        """Accumulate loss and metrics on one padded batch without training (pure)."""
        outputs, _, losses = self._forward(state, x, False, mask)
        total, per_output, y_pred = self._loss(y, outputs, sw, mask, losses)
        return self._track(state, total, per_output, y, y_pred, sw, mask)

    def logs(self, state: dict) -> dict:
        """Tracker means and metric results by name (pure)."""
        result = {name: t / jnp.maximum(c, 1e-12) for name, (t, c) in zip(self.tracker_names, state["trackers"])}
        for name, value in self.compile_metrics.results(state["metrics"]).items():
            result[name] = jnp.asarray(value, jnp.float32)
        return result

    def fresh_accumulators(self) -> tuple[list, list]:
        trackers = [[np.zeros((), np.float32), np.zeros((), np.float32)] for _ in self.tracker_names]
        return trackers, [list(v) for v in self.compile_metrics.initial_values()]

    # -- loops -----------------------------------------------------------------------------------
    @staticmethod
    def _batch(data: tuple, rows: Any, mask_start: Any, batch_size: int, total: int) -> tuple:
        x, y, sw = data
        take = lambda a: jnp.take(a, rows, axis=0, mode="clip")  # noqa: E731
        mask = ((mask_start + jnp.arange(batch_size)) < total).astype(jnp.float32)
        xb = jax.tree_util.tree_map(take, x)
        yb = jax.tree_util.tree_map(take, y)
        swb = None if sw is None else take(sw)
        return bridge.constrain_batch((xb, yb, swb, mask))  # split over the devices under a distribution

    def _loop(self, step_fn: Any, state: dict, data: tuple, perm: Any, lo: Any, hi: Any, batch_size: int) -> dict:
        total = jax.tree_util.tree_leaves(data[0])[0].shape[0]

        def body(i: Any, carry: dict) -> dict:
            start = i * batch_size
            rows = lax.dynamic_slice(perm, (start,), (batch_size,))
            xb, yb, swb, mask = self._batch(data, rows, start, batch_size, total)
            return step_fn(carry, xb, yb, swb, mask)

        return lax.fori_loop(lo, hi, body, state)

    def train_steps(self, batch_size: int) -> Any:
        """``(state, data, perm, lo, hi) -> (state, logs)``: batches ``lo..hi-1`` of an epoch."""
        def run(state: dict, data: tuple, perm: Any, lo: Any, hi: Any) -> tuple[dict, dict]:
            TRACE_COUNTS["train"] += 1
            state = self._loop(self.train_step, state, data, perm, lo, hi, batch_size)
            return state, self.logs(state)

        return self._jit(("train_steps", batch_size), run, donate=(0,),
                         outputs=lambda state, *_: (state, dict.fromkeys(self.log_names, 0)))

    def test_steps(self, batch_size: int) -> Any:
        """``(accumulators, params, data, lo, hi) -> (accumulators, logs)`` on unshuffled data.

        ``accumulators`` (``metrics`` and ``trackers``) is donated; ``params`` (``trainable``,
        ``non_trainable``, ``step``, ``seeds``) is only read.
        """
        def run(acc: dict, params: dict, data: tuple, lo: Any, hi: Any) -> tuple[dict, dict]:
            TRACE_COUNTS["test"] += 1
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            perm = padded_range(total, batch_size)
            state = self._loop(self.test_step, dict(params, **acc), data, perm, lo, hi, batch_size)
            acc = {"metrics": state["metrics"], "trackers": state["trackers"]}
            return acc, self.logs(state)

        return self._jit(("test_steps", batch_size), run, donate=(0,),
                         outputs=lambda acc, *_: (acc, dict.fromkeys(self.log_names, 0)))

    def train_step_at(self, batch_size: int) -> Any:
        """``(state, data, perm, i) -> (state, logs)``: batch ``i`` of an epoch, one step, no loop.

        The form for models whose steps run slower inside a loop (:func:`steps_in_loops_are_slow`):
        one dispatch per step, the batch gathered from the device-resident data.
        """
        def run(state: dict, data: tuple, perm: Any, i: Any) -> tuple[dict, dict]:
            TRACE_COUNTS["train_step_at"] += 1
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            start = i * batch_size
            xb, yb, swb, mask = self._batch(data, lax.dynamic_slice(perm, (start,), (batch_size,)), start,
                                            batch_size, total)
            state = self.train_step(state, xb, yb, swb, mask)
            return state, self.logs(state)

        return self._jit(("train_step_at", batch_size), run, donate=(0,),
                         outputs=lambda state, *_: (state, dict.fromkeys(self.log_names, 0)))

    def test_step_at(self, batch_size: int) -> Any:
        """``(accumulators, params, data, i) -> (accumulators, logs)``: batch ``i``, no loop."""
        def run(acc: dict, params: dict, data: tuple, i: Any) -> tuple[dict, dict]:
            TRACE_COUNTS["test_step_at"] += 1
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            start = i * batch_size
            rows = jnp.minimum(start + jnp.arange(batch_size, dtype=jnp.int32), total - 1)
            xb, yb, swb, mask = self._batch(data, rows, start, batch_size, total)
            state = self.test_step(dict(params, **acc), xb, yb, swb, mask)
            acc = {"metrics": state["metrics"], "trackers": state["trackers"]}
            return acc, self.logs(state)

        return self._jit(("test_step_at", batch_size), run, donate=(0,),
                         outputs=lambda acc, *_: (acc, dict.fromkeys(self.log_names, 0)))

    def train_batch(self) -> Any:
        """``(state, x, y, sample_weight, mask) -> (state, logs)``: one step on a streamed batch.

        The batch arrives already on the device, padded to the compiled batch size with ``mask``
        marking its real rows (:mod:`strata.training.streaming`); no loop, one dispatch per step.
        """
        def run(state: dict, x: Any, y: Any, sw: Any, mask: Any) -> tuple[dict, dict]:
            TRACE_COUNTS["train_batch"] += 1
            state = self.train_step(state, x, y, sw, mask)
            return state, self.logs(state)

        return self._jit(("train_batch",), run, donate=(0,),
                         outputs=lambda state, *_: (state, dict.fromkeys(self.log_names, 0)))

    def test_batch(self) -> Any:
        """``(accumulators, params, x, y, sample_weight, mask) -> (accumulators, logs)`` on a streamed batch."""
        def run(acc: dict, params: dict, x: Any, y: Any, sw: Any, mask: Any) -> tuple[dict, dict]:
            TRACE_COUNTS["test_batch"] += 1
            state = self.test_step(dict(params, **acc), x, y, sw, mask)
            acc = {"metrics": state["metrics"], "trackers": state["trackers"]}
            return acc, self.logs(state)

        return self._jit(("test_batch",), run, donate=(0,),
                         outputs=lambda acc, *_: (acc, dict.fromkeys(self.log_names, 0)))

    def train_epochs(self, batch_size: int, val_batch_size: int | None, shuffle: bool) -> Any:
        """``(state, data, val_data, seed, e_lo, e_hi) -> (state, logs_buffer)``: whole epochs.

        Row ``e - e_lo`` of the buffer holds epoch ``e``'s logs in ``log_names`` order, followed by
        the validation logs when ``val_data`` is given.
        """
        def run(state: dict, data: tuple, val_data: Any, seed: Any, e_lo: Any, e_hi: Any) -> tuple[dict, Any]:
            TRACE_COUNTS["train_epochs"] += 1
            key = jax.random.PRNGKey(seed)
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            steps = -(-total // batch_size)
            width = len(self.log_names) * (2 if val_data is not None else 1)
            buffer = jnp.zeros((EPOCH_BUFFER, width), jnp.float32)

            def epoch(e: Any, carry: tuple) -> tuple:
                state, buffer = carry
                trackers, metrics = self.fresh_accumulators()
                state = dict(state, trackers=trackers, metrics=metrics)
                perm = permutation(key, e, total, batch_size) if shuffle else padded_range(total, batch_size)
                state = self._loop(self.train_step, state, data, perm, 0, steps, batch_size)
                logs = self.logs(state)
                row = [logs[name] for name in self.log_names]
                if val_data is not None:
                    val_total = jax.tree_util.tree_leaves(val_data[0])[0].shape[0]
                    trackers, metrics = self.fresh_accumulators()
                    val_state = dict(state, trackers=trackers, metrics=metrics)
                    val_state = self._loop(self.test_step, val_state, val_data,
                                           padded_range(val_total, val_batch_size), 0,
                                           -(-val_total // val_batch_size), val_batch_size)
                    val_logs = self.logs(val_state)
                    row += [val_logs[name] for name in self.log_names]
                buffer = lax.dynamic_update_slice(buffer, jnp.stack(row)[None, :], (e - e_lo, 0))
                return state, buffer

            return lax.fori_loop(e_lo, e_hi, epoch, (state, buffer))

        return self._jit(("train_epochs", batch_size, val_batch_size, shuffle), run, donate=(0,),
                         outputs=lambda state, *_: (state, 0))

    def _jit(self, key: Any, fn: Any, donate: tuple, outputs: Any) -> Any:
        """The jitted program, kept on disk too when the architecture is fully described by ``self.key``."""
        dist = bridge.active_distribution()
        if dist is not None:  # issue 16: a program per distribution; its output state keeps the layouts
            key = key + (("distribution", dist),)
            if key not in self._jitted:
                groups = {"trainable": self.trainable, "non_trainable": self.non_trainable,
                          "optimizer": self.optimizer.variables}
                self._jitted[key] = jax.jit(lambda *args: bridge.constrain_state(fn(*args), groups),
                                            donate_argnums=donate)
            return self._jitted[key]
        if key not in self._jitted:
            program = jax.jit(fn, donate_argnums=donate)
            if self.key is not None and _disk_cache_usable():
                tree = lambda *args: jax.tree_util.tree_structure(outputs(*args))  # noqa: E731
                program = CachedProgram(program, (self.key, key), tree)
            self._jitted[key] = program
        return self._jitted[key]


_PREDICT_CACHE: "collections.OrderedDict[Any, Any]" = collections.OrderedDict()


def predict_function(model: Any) -> Any:
    """``(trainable, non_trainable, seeds, x) -> outputs``, jitted once per architecture."""
    key = program_keys.structure_signature(model)
    dist = bridge.active_distribution()
    if dist is not None:  # issue 16: not the on-disk cache (its executables are for one device)
        key = (key, ("distribution", dist))
    fn = _PREDICT_CACHE.get(key)
    if fn is not None:
        _PREDICT_CACHE.move_to_end(key)
        return fn
    generators = seed_generators(model)

    def run(trainable: list, non_trainable: list, seeds: Any, x: Any) -> Any:
        TRACE_COUNTS["predict"] += 1
        mapping = {id(g): seeds[i] for i, g in enumerate(generators)}
        with step_random(jnp.zeros((), jnp.int32), mapping):
            outputs, _ = bridge.stateless_call(model, trainable, non_trainable, x, training=False)
        # Under a distribution the outputs come back whole on every device: every process can read them.
        return outputs if dist is None else bridge.constrain_state(outputs, {})

    fn = jax.jit(run)
    if (dist is None and _disk_cache_usable() and not program_keys.mentions_ids(key)
            and hasattr(model, "_outputs_struct_for_cache")):
        structure = model._outputs_struct_for_cache()
        fn = CachedProgram(fn, ("predict", key), lambda *args: jax.tree_util.tree_structure(structure))
    _PREDICT_CACHE[key] = fn
    while len(_PREDICT_CACHE) > _CACHE_SIZE:
        _PREDICT_CACHE.popitem(last=False)
    return fn


def _disk_cache_usable() -> bool:
    """Whether compiled programs may be kept on disk: only with one device (issue 16).

    An executable serialized in a process with several devices loads expecting arguments on all of
    them ("Expected args ... to have 4 shards, got [1, 1, ...]"), so there every run compiles afresh.
    """
    return jax.device_count() == 1


def steps_in_loops_are_slow(model: Any) -> bool:
    """Whether ``model``'s steps should be dispatched one by one rather than looped on the device.

    On the CPU, XLA compiles a convolution's weight gradient inside a loop body with a slow layout
    (jax-ml/jax#12868): measured on the course MNIST CNN, a step in ``lax.fori_loop`` took 1.5x (with
    strata's patch-matrix convolutions) to 8x (XLA's) the time of the same step dispatched alone, while
    dense and recurrent steps run fastest looped.  So models with convolutions run one step per
    dispatch on the CPU (``bench/run.py``'s ``mnist_cnn`` row).
    """
    from strata.layers.convolutional.conv_layer import ConvLayer

    if jax.default_backend() != "cpu":
        return False
    return any(isinstance(layer, ConvLayer) for layer in model._flat_layers())


def get_programs(model: Any, compile_loss: Any, compile_metrics: Any, optimizer: Any) -> Programs:
    """The cached :class:`Programs` for this architecture and compile setup (LRU)."""
    key = program_keys.programs_key(model, compile_loss, compile_metrics, optimizer)
    programs = _CACHE.get(key)
    if programs is None:
        programs = Programs(model, compile_loss, compile_metrics, optimizer, key=key)
        _CACHE[key] = programs
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return programs
