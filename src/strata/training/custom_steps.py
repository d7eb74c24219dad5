"""Compiled programs around a model's own ``train_step`` / ``test_step`` / ``predict_step``.

When a ``Model`` subclass overrides a step (or ``compute_loss`` / ``compute_metrics``, which the
default steps call), ``fit`` / ``evaluate`` / ``predict`` run *its* step, written against Keras's JAX
signatures (:mod:`strata.training.step_api`), inside strata's compiled programs: the step is pure, so
a whole epoch is still one ``lax.fori_loop`` in one dispatch (or many epochs in one, as with the
built-in step), and the state lives on the device between dispatches.

The partial last batch.  The built-in step pads it and masks the padding out; a user's step cannot
know about padding (it takes ``ops.mean`` over its batch), so here the full batches run in the loop
and the short last batch runs after it as its own step, traced with its own static shape inside the
same program (a ``lax.cond`` on whether the range reaches it).  The user's step therefore sees
exactly the batches Keras gives it, and the History equals Keras's.

Logs.  As in Keras, an epoch's logs are the dict the last step returned (nested dicts, such as the
``"compile_metrics"`` result, flattened), and the metric state is reset at each epoch start.

State layout: the dict of :mod:`strata.training.programs` with ``metrics`` the flat list aligned with
``model.metrics_variables`` and no ``trackers``.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from strata.core.random import step_random
from strata.training import programs as base
from strata.training.row_order import permutation
from strata.training.step_api import StepAPI
from strata.training.step_data import pack_x_y_sample_weight

def overrides(model: Any, kind: str) -> bool:
    """Whether ``model``'s class replaces what the ``kind`` ("train", "test", "predict") step does."""
    names = {"train": ("train_step", "compute_loss", "compute_metrics"),
             "test": ("test_step", "compute_loss", "compute_metrics"),
             "predict": ("predict_step",)}[kind]
    return any(getattr(type(model), name) is not getattr(StepAPI, name) for name in names)


def flatten_logs(logs: Any, where: str) -> dict:
    """A step's logs as ``{name: float32 scalar}``; nested dicts are merged in (Keras's rule)."""
    if not isinstance(logs, dict):
        raise TypeError(
            f"`{where}` must return `(logs, state)` with `logs` a dict of scalars, e.g. "
            f"`{{'loss': loss}}`. Received logs of type {type(logs).__name__}."
        )
    flat: dict = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            flat.update(flatten_logs(value, where))
            continue
        value = jnp.asarray(value)
        if value.size != 1:
            raise ValueError(
                f"`{where}` returned a log entry that is not a scalar: {key!r} has shape {value.shape}. "
                "Return scalars (e.g. a metric's `result()` or a mean) in the logs dict."
            )
        flat[key] = jnp.reshape(value, ()).astype(jnp.float32)
    return flat


def _like(new: list, old: list, what: str) -> list:
    new = list(new)
    if len(new) != len(old):
        raise ValueError(
            f"The step returned {len(new)} {what} values, but the state holds {len(old)}. Return the "
            "state in the layout it came in: `(trainable_variables, non_trainable_variables, "
            "optimizer_variables, metrics_variables)` for train_step."
        )
    return [jnp.asarray(n).astype(jnp.result_type(o)) for n, o in zip(new, old)]


def _rows(data: tuple, rows: Any) -> tuple:
    take = lambda a: jnp.take(a, rows, axis=0, mode="clip")  # noqa: E731  (rows are in range)
    x, y, sw = data
    return (jax.tree_util.tree_map(take, x), None if y is None else jax.tree_util.tree_map(take, y),
            None if sw is None else take(sw))


class CustomPrograms:
    """The jitted programs of one model whose steps are its own (same interface as ``Programs``)."""

    def __init__(self, model: Any, data_spec: tuple, val_spec: tuple | None = None) -> None:
        self.model = model
        self.per_step = base.steps_in_loops_are_slow(model)
        self.generators = base.seed_generators(model)
        self.custom_train = overrides(model, "train")
        self._jitted: dict = {}
        self.data_spec = data_spec
        self.val_spec = val_spec
        self._templates: dict = {}

    @property
    def log_names(self) -> list[str]:
        """The names in the logs ``train_step`` returns (found by tracing it abstractly once)."""
        return sorted(self._template(True))

    @property
    def val_log_names(self) -> list[str]:
        """The names in the logs ``test_step`` returns."""
        return sorted(self._template(False))

    # -- the user's steps, as pure functions of strata's state dict -----------------------------------
    def _seeds(self, state: dict) -> dict:
        return {id(g): state["seeds"][i] for i, g in enumerate(self.generators)}

    def train_one(self, state: dict, batch: tuple) -> tuple[dict, dict]:
        keras_state = (state["trainable"], state["non_trainable"], state["optimizer"], state["metrics"])
        with step_random(state["step"], self._seeds(state)):
            logs, new = self.model.train_step(keras_state, pack_x_y_sample_weight(*batch))
        if not isinstance(new, (tuple, list)) or len(new) != 4:
            raise ValueError(
                "`train_step` must return `(logs, state)` with `state = (trainable_variables, "
                "non_trainable_variables, optimizer_variables, metrics_variables)`."
            )
        names = ("trainable", "non_trainable", "optimizer", "metrics")
        state = dict(state, step=state["step"] + 1,
                     **{n: _like(v, state[n], n.replace("_", "-")) for n, v in zip(names, new)})
        return state, flatten_logs(logs, "train_step")

    def test_one(self, state: dict, batch: tuple) -> tuple[dict, dict]:
        keras_state = (state["trainable"], state["non_trainable"], state["metrics"])
        with step_random(state["step"], self._seeds(state)):
            logs, new = self.model.test_step(keras_state, pack_x_y_sample_weight(*batch))
        if not isinstance(new, (tuple, list)) or len(new) != 3:
            raise ValueError(
                "`test_step` must return `(logs, state)` with `state = (trainable_variables, "
                "non_trainable_variables, metrics_variables)`."
            )
        return dict(state, metrics=_like(new[2], state["metrics"], "metrics")), flatten_logs(logs, "test_step")

    def _logs_template(self, kind: str, spec: tuple) -> dict:
        state = self.abstract_state(kind == "train")
        rows = min(2, jax.tree_util.tree_leaves(spec[0])[0].shape[0])
        batch = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct((rows,) + tuple(a.shape[1:]), a.dtype), spec)
        step = self.train_one if kind == "train" else self.test_one
        out = jax.eval_shape(lambda s, b: step(s, b)[1], state, batch)
        return {name: np.zeros((), np.float32) for name in out}

    def abstract_state(self, training: bool) -> dict:
        model = self.model
        spec = lambda vs: [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in vs]  # noqa: E731
        return {"trainable": spec(model.trainable_variables), "non_trainable": spec(model.non_trainable_variables),
                "optimizer": spec(model.optimizer.variables) if training else [],
                "metrics": spec(model.metrics_variables), "trackers": [],
                "step": jax.ShapeDtypeStruct((), jnp.int32),
                "seeds": jax.ShapeDtypeStruct((len(self.generators),), jnp.int32)}

    def fresh_accumulators(self) -> tuple[list, list]:
        """``(trackers, metrics)``: no trackers, and every metric of ``model.metrics`` reset."""
        values = []
        for metric in self.model.metrics:
            values.extend(np.asarray(v) for v in metric.stateless_reset_state())
        return [], values

    # -- batches of device-resident data ---------------------------------------------------------------
    def _range(self, step: Any, carry: tuple, data: tuple, perm: Any, lo: Any, hi: Any, batch_size: int) -> tuple:
        """Run batches ``lo..hi-1`` of an epoch: full ones in a loop, then the short last one."""
        total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
        full, rest = divmod(total, batch_size)

        def body(i: Any, carry: tuple) -> tuple:
            rows = lax.dynamic_slice(perm, (i * batch_size,), (batch_size,))
            return step(carry[0], _rows(data, rows))

        if full:
            carry = lax.fori_loop(lo, jnp.minimum(hi, full), body, carry)
        if rest:
            last = lambda c: step(c[0], _rows(data, perm[full * batch_size:total]))  # noqa: E731
            carry = lax.cond(hi > full, last, lambda c: c, carry)
        return carry

    def _template(self, training: bool) -> dict:
        """Zero logs shaped like the step's (the loop's initial carry)."""
        kind = "train" if training else "test"
        if kind not in self._templates:
            spec = self.data_spec if training else (self.val_spec or self.data_spec)
            self._templates[kind] = self._logs_template(kind, spec)
        return {k: jnp.asarray(v) for k, v in self._templates[kind].items()}

    def train_steps(self, batch_size: int) -> Any:
        def run(state: dict, data: tuple, perm: Any, lo: Any, hi: Any) -> tuple[dict, dict]:
            base.TRACE_COUNTS["custom_train"] += 1
            return self._range(self.train_one, (state, self._template(True)), data, perm, lo, hi, batch_size)

        return self._jit(("train_steps", batch_size), run)

    def train_step_at(self, batch_size: int) -> Any:
        """``(state, data, perm, i) -> (state, logs)``: batch ``i`` alone, in one dispatch.

        One step per dispatch serves per-batch callbacks and models whose steps are slow inside device
        loops, so the step runs straight, with no ``fori_loop`` or ``cond`` around it: a full batch and
        the short last batch are two programs, picked on the host from ``i`` (:func:`_one_batch`).
        """
        def full(state: dict, data: tuple, perm: Any, i: Any) -> tuple[dict, dict]:
            base.TRACE_COUNTS["custom_train"] += 1
            return self.train_one(state, _rows(data, lax.dynamic_slice(perm, (i * batch_size,), (batch_size,))))

        def last(state: dict, data: tuple, perm: Any, i: Any) -> tuple[dict, dict]:
            base.TRACE_COUNTS["custom_train"] += 1
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            return self.train_one(state, _rows(data, perm[total - total % batch_size:total]))

        return _one_batch(self._jit(("train_step_at", batch_size), full),
                          self._jit(("train_last_at", batch_size), last), batch_size, data_at=1)

    def _evaluate(self, acc: dict, params: dict, data: tuple, lo: Any, hi: Any, batch_size: int) -> tuple:
        total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
        state = dict(params, metrics=acc["metrics"], trackers=[])
        state, logs = self._range(self.test_one, (state, self._template(False)), data,
                                  jnp.arange(total, dtype=jnp.int32), lo, hi, batch_size)
        return {"metrics": state["metrics"], "trackers": []}, logs

    def test_steps(self, batch_size: int) -> Any:
        def run(acc: dict, params: dict, data: tuple, lo: Any, hi: Any) -> tuple[dict, dict]:
            base.TRACE_COUNTS["custom_test"] += 1
            return self._evaluate(acc, params, data, lo, hi, batch_size)

        return self._jit(("test_steps", batch_size), run)

    def test_step_at(self, batch_size: int) -> Any:
        """``(accumulators, params, data, i) -> (accumulators, logs)``: batch ``i`` alone, no device loop."""
        def step(acc: dict, params: dict, data: tuple, rows: Any) -> tuple[dict, dict]:
            base.TRACE_COUNTS["custom_test"] += 1
            state, logs = self.test_one(dict(params, metrics=acc["metrics"], trackers=[]), _rows(data, rows))
            return {"metrics": state["metrics"], "trackers": []}, logs

        def full(acc: dict, params: dict, data: tuple, i: Any) -> tuple[dict, dict]:
            return step(acc, params, data, i * batch_size + jnp.arange(batch_size, dtype=jnp.int32))

        def last(acc: dict, params: dict, data: tuple, i: Any) -> tuple[dict, dict]:
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            return step(acc, params, data, jnp.arange(total - total % batch_size, total, dtype=jnp.int32))

        return _one_batch(self._jit(("test_step_at", batch_size), full),
                          self._jit(("test_last_at", batch_size), last), batch_size, data_at=2)

    def train_epochs(self, batch_size: int, val_batch_size: int | None, shuffle: bool) -> Any:
        """Whole epochs in one dispatch; row ``e - e_lo`` holds the train then validation logs."""
        def run(state: dict, data: tuple, val_data: Any, seed: Any, e_lo: Any, e_hi: Any) -> tuple[dict, Any]:
            base.TRACE_COUNTS["custom_train_epochs"] += 1
            key = jax.random.PRNGKey(seed)
            total = jax.tree_util.tree_leaves(data[0])[0].shape[0]
            steps = -(-total // batch_size)
            width = len(self.log_names) + (len(self.val_log_names) if val_data is not None else 0)
            buffer = jnp.zeros((base.EPOCH_BUFFER, width), jnp.float32)

            def epoch(e: Any, carry: tuple) -> tuple:
                state, buffer = carry
                state = dict(state, metrics=[jnp.asarray(v) for v in self.fresh_accumulators()[1]])
                perm = (permutation(key, e, total, batch_size) if shuffle
                        else jnp.arange(total, dtype=jnp.int32))
                state, logs = self._range(self.train_one, (state, self._template(True)), data, perm, 0, steps,
                                          batch_size)
                row = [logs[name] for name in self.log_names]
                if val_data is not None:
                    val_total = jax.tree_util.tree_leaves(val_data[0])[0].shape[0]
                    acc = {"metrics": [jnp.asarray(v) for v in self.fresh_accumulators()[1]]}
                    _, val_logs = self._evaluate(acc, state, val_data, 0, -(-val_total // val_batch_size),
                                                 val_batch_size)
                    row += [val_logs[name] for name in self.val_log_names]
                buffer = lax.dynamic_update_slice(buffer, jnp.stack(row)[None, :], (e - e_lo, 0))
                return state, buffer

            return lax.fori_loop(e_lo, e_hi, epoch, (state, buffer))

        return self._jit(("train_epochs", batch_size, val_batch_size, shuffle), run)

    def train_batch(self) -> Any:
        raise NotImplementedError(
            f"Model '{self.model.name}' overrides its train or test step; such models train on arrays "
            "(NumPy or JAX) in strata, not on streamed datasets or generators yet. Pass arrays to `fit`."
        )

    test_batch = train_batch

    def _jit(self, key: Any, fn: Any) -> Any:
        if key not in self._jitted:
            self._jitted[key] = jax.jit(fn, donate_argnums=(0,))
        return self._jitted[key]


def _one_batch(full: Any, last: Any, batch_size: int, data_at: int) -> Any:
    """A program of batch ``i`` (its last argument) that runs ``full`` or, for the short last batch, ``last``.

    ``i`` comes from the host, so the choice costs no device branch; ``args[data_at]`` is the data.
    """
    def run(*args: Any) -> Any:
        total = jax.tree_util.tree_leaves(args[data_at][0])[0].shape[0]
        return (full if (int(args[-1]) + 1) * batch_size <= total else last)(*args)

    return run


def predict(model: Any, x: Any, batch_size: int, params: dict) -> Any:
    """Outputs of ``model.predict_step`` batch by batch (the last, short batch compiled on its own)."""
    generators = base.seed_generators(model)

    def run(trainable: list, non_trainable: list, seeds: Any, xb: Any) -> Any:
        base.TRACE_COUNTS["custom_predict"] += 1
        with step_random(jnp.zeros((), jnp.int32), {id(g): seeds[i] for i, g in enumerate(generators)}):
            outputs, _ = model.predict_step((trainable, non_trainable), pack_x_y_sample_weight(xb))
        return outputs

    function = jax.jit(run)
    total = jax.tree_util.tree_leaves(x)[0].shape[0]
    pieces = []
    for start in range(0, total, batch_size):
        xb = jax.tree_util.tree_map(lambda a: a[start:start + batch_size], x)
        outputs = function(params["trainable"], params["non_trainable"], params["seeds"], xb)
        pieces.append(jax.tree_util.tree_map(np.asarray, outputs))
    if not pieces:
        raise ValueError("`x` is empty: predict needs at least one sample.")
    return jax.tree_util.tree_map(lambda *parts: np.concatenate(parts, axis=0), *pieces)
