"""The time loop of every recurrent layer: one ``lax.scan`` (or a Python loop when unrolled).

:func:`step_functions` turns a cell into two pure functions — ``project`` for the whole
``(batch, time, features)`` sequence at once and ``step`` for one timestep — so a built-in cell's
input matmul happens once, before the loop, and only ``h @ recurrent_kernel`` and the gates run
inside it (on the CPU the projection runs per timestep inside the loop: see
:func:`project_in_loop`).  Dropout masks are drawn there too, once per call.  :func:`run` is the loop itself with
Keras's masking rules (JAX backend):

* at a masked step the states are carried over unchanged; the output is the previous output
  (the first state, ``h_{t-1}``, which is the initial state before the first valid step), or
  zeros with ``zero_output_for_mask=True``;
* ``go_backwards`` scans in reverse and returns the outputs in processing order;
* the unrolled loop (``unroll=True``) repeats the previous *output* at masked steps (zeros before
  the first one) and ignores ``zero_output_for_mask``, as Keras's unrolled loop does.

The gradient is JAX's own differentiation of this scan.  Hand-written backward passes
(``jax.custom_vjp``) were measured against it on the CPU and not adopted: with the weight
gradients as one large matmul each after the backward loop (``H_prev^T @ DZ`` over time*batch
rows), the LSTM(64) gradient over 100 steps at batch 64 took 1.2x the CPU time (GRU 1.3-2x): the
stacked ``dz`` (6.5 MB) leaves the cache, and the per-step products were cheap while it was hot.
With the sums kept inside the loop and fewer saved residuals it tied (1.0-1.1x; 0.9x only at
batch 256 and 128 units).  ``lstm_gradient_variants`` in ``bench/sequence_workloads.py``
reproduces the comparison.

Where the time of a long recurrence goes (``jax.profiler`` on the LSTM(64) x 100 steps, batch 64
training step): about 60 microseconds per timestep forward and 55 backward under the profiler,
which adds about a microsecond per operation.  The ``h @ recurrent_kernel`` product (64x64 by
64x256) takes 17-20 of them forward, and the two backward products about 28: one core at 105-125
GFLOP/s.  The rest is some 25 small XLA operations per timestep (gate fusions; the residuals JAX's
scan differentiation stores, several of them twice), each about a microsecond.  XLA:CPU runs a
loop body's operations one after another, so the second core idles: two independent half-batch
recurrences in one loop body took as long as one whole one, and so did two half-batch programs
dispatched together (one device runs its executions in order).  A ``custom_vjp`` that stores one
activation block and the cell state per step, with or without the weight gradients moved after
the loop, the input projection hoisted, or optimization barriers against scalar code (XLA:CPU
compiles a fusion that takes ``tanh`` of a per-step slice of the scanned input and slices it twice
as a scalar loop: 18 microseconds for 64x128 values, 1.4 with one slice), measured 0.9-1.1x the
time of the plain gradient (2026-12-06).  Keras runs the same loop, so the products alone bound
any lead on this CPU.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax import lax

from strata.layers.rnn.recurrent_cell import RecurrentCell
from strata.layers.rnn.stacked_rnn_cells import StackedRNNCells, call_cell, output_size_of


def _cell_step(cell: Any, step_shape: tuple, training: Any) -> tuple[Callable, Callable]:
    if isinstance(cell, RecurrentCell):
        input_mask, recurrent_mask = cell.draw_masks(step_shape, training)
        return (lambda x: cell.project_inputs(x, input_mask),
                lambda p, states: cell.step(p, states, recurrent_mask))
    return (lambda x: x), (lambda x, states: call_cell(cell, x, states, training))


def step_functions(cell: Any, step_shape: tuple, training: Any) -> tuple[Callable, Callable]:
    """``(project, step)`` for ``cell`` on timesteps of ``step_shape``: ``project(sequence)`` runs
    before the loop, ``step(x_t, states)`` in it."""
    if not isinstance(cell, StackedRNNCells):
        return _cell_step(cell, step_shape, training)
    parts = []
    for inner in cell.cells:
        parts.append(_cell_step(inner, step_shape, training))
        step_shape = (step_shape[0], output_size_of(inner))
    first_project = parts[0][0]

    def step(x: Any, states: list) -> tuple[Any, list]:
        new_states = []
        for index, ((project, inner_step), inner_states) in enumerate(zip(parts, states)):
            x, inner_states = inner_step(x if index == 0 else project(x), list(inner_states))
            new_states.append(list(inner_states))
        return x, new_states

    return first_project, step


def project_in_loop(cell: Any) -> bool:
    """Whether the input projection runs inside the loop, one timestep at a time.

    Measured on XLA:CPU (LSTM(64), 100 steps, batch 64): projecting the whole sequence before the
    ``lax.scan`` made the forward pass 2.7x and the gradient 2.7x slower than projecting each
    timestep inside it (the scan then slices a (time, batch, 4u) buffer per step), so on the CPU the
    projection stays in the loop; on accelerators one large matmul up front is the better shape.
    Convolutional cells keep their projection outside (a convolution per step is slower still).
    """
    from strata.layers.rnn.conv_lstm_cell import ConvLSTMCell

    if jax.default_backend() != "cpu":
        return False
    cells = cell.cells if isinstance(cell, StackedRNNCells) else [cell]
    return not any(isinstance(c, ConvLSTMCell) for c in cells)


# Scans of at most this many steps are unrolled by XLA (faster compile and run).  Longer ones loop one
# step per iteration: partial unrolling was measured slower on XLA:CPU (LSTM(64) x 100 steps, batch
# 64: epoch 0.63 s rolled, 0.66 s unrolled by 2, 1.1-1.3 s by 4, 1.9 s by 10).
_FULL_UNROLL_STEPS = 8


def _previous_output(states: list) -> Any:
    first = states[-1] if isinstance(states[0], (list, tuple)) else states
    return first[0] if isinstance(first, (list, tuple)) else first


def _where(keep: Any, new: Any, old: Any) -> Any:
    keep = jnp.reshape(keep, keep.shape + (1,) * (new.ndim - keep.ndim))
    return jnp.where(keep, new, old)


def run(step: Callable, inputs: Any, initial_states: list, mask: Any = None, go_backwards: bool = False,
        unroll: bool = False, zero_output_for_mask: bool = False,
        return_sequences: bool = True) -> tuple[Any, Any, list]:
    """Run ``step`` over the time axis of ``inputs`` ``(batch, time, ...)``.

    Returns ``(last_output, outputs, final_states)``; ``outputs`` is ``(batch, time, units)`` in
    processing order, or ``None`` unless ``return_sequences``.
    """
    xs = jnp.swapaxes(inputs, 0, 1)
    keep = None if mask is None else jnp.swapaxes(jnp.asarray(mask, bool), 0, 1)[:, :, None]
    if unroll:
        return _unrolled(step, xs, initial_states, keep, go_backwards, return_sequences)
    probe = jax.eval_shape(step, xs[0], initial_states)[0]

    def body(carry: tuple, item: Any) -> tuple:
        states, _ = carry
        x, keep_t = item if keep is not None else (item, None)
        output, new_states = step(x, states)
        if keep_t is not None:
            previous = jnp.zeros_like(output) if zero_output_for_mask else _previous_output(states)
            output = _where(keep_t, output, previous.astype(output.dtype))
            new_states = jax.tree_util.tree_map(lambda n, o: _where(keep_t, n, o), new_states, states)
        return (new_states, output), (output if return_sequences else None)

    init = (initial_states, jnp.zeros(probe.shape, probe.dtype))
    # Short sequences (the course's windows of 1 timestep) are unrolled inside the scan: no loop
    # overhead per step, the same numbers.
    (states, last), outputs = lax.scan(body, init, xs if keep is None else (xs, keep), reverse=go_backwards,
                                       unroll=True if xs.shape[0] <= _FULL_UNROLL_STEPS else 1)
    if return_sequences:
        if go_backwards:
            outputs = jnp.flip(outputs, axis=0)
        outputs = jnp.swapaxes(outputs, 0, 1)
    return last, outputs, states


def _unrolled(step: Callable, xs: Any, states: list, keep: Any, go_backwards: bool,
              return_sequences: bool) -> tuple[Any, Any, list]:
    order = range(xs.shape[0] - 1, -1, -1) if go_backwards else range(xs.shape[0])
    outputs: list = []
    for t in order:
        output, new_states = step(xs[t], states)
        if keep is not None:
            previous = outputs[-1] if outputs else jnp.zeros_like(output)
            output = _where(keep[t], output, previous)
            new_states = jax.tree_util.tree_map(lambda n, o: _where(keep[t], n, o), new_states, states)
        states = new_states
        outputs.append(output)
    stacked = jnp.stack(outputs, axis=1) if return_sequences else None
    return outputs[-1], stacked, states
