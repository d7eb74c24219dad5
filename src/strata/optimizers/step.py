"""One optimizer step as a pure function of arrays, in Keras 3's order of work.

:meth:`Optimizer.stateless_apply` calls :func:`apply_step` once the optimizer is built.  The order
is the one of Keras's ``apply()`` on JAX: unscale by ``loss_scale_factor``, (accumulate), clip,
decoupled weight decay, the per-variable update rule, (keep or discard the step when
accumulating), moving average, constraints, then ``iteration += 1``.  Nothing here mutates Python
state, so the whole step traces under ``jax.jit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from strata.core.variable import Variable
from strata.optimizers import transforms


def apply_step(optimizer: Any, optimizer_values: Sequence, grads: Sequence, trainable_values: Sequence):
    """Return ``(new_trainable_values, new_optimizer_values)`` for one step of ``optimizer``.

    ``optimizer_values`` follow ``optimizer.variables``; ``grads`` and ``trainable_values`` follow
    the variable list it was built with, and a ``None`` gradient leaves its variable untouched.
    """
    opt = optimizer
    _check_layout(opt, optimizer_values, grads, trainable_values)
    values, params, grads = list(optimizer_values), list(trainable_values), list(grads)
    active = [i for i, g in enumerate(grads) if g is not None]
    if not active:
        raise ValueError("No gradients provided for any variable.")
    iteration = values[0]
    learning_rate = opt._rate_at(iteration, values[1] if isinstance(opt._learning_rate, Variable) else None)
    if opt.loss_scale_factor is not None:
        grads = [None if g is None else g / opt.loss_scale_factor for g in grads]
    steps = opt.gradient_accumulation_steps
    step_count = iteration // steps if steps else iteration  # what Keras's `iterations` reads
    if steps:
        accumulators = opt._slot_indices["gradient_accumulator"]
        summed = [None if g is None else g + values[accumulators[i]] for i, g in enumerate(grads)]
        grads = [None if g is None else g / steps for g in summed]
        before = (list(params), list(values))

    grads = transforms.clip_gradients(grads, opt.clipnorm, opt.global_clipnorm, opt.clipvalue)
    if opt.weight_decay is not None:
        for i in active:
            if opt._use_weight_decay(opt._trainable_variables[i]):
                params[i] = transforms.decay_weights(params[i], opt.weight_decay, learning_rate)
    _update_variables(opt, values, params, grads, active, learning_rate, step_count)

    if steps:
        # Keep the update only on every `steps`-th call; otherwise just grow the accumulators.
        is_update = (iteration + 1) % steps == 0
        params = [jnp.where(is_update, new, old) for new, old in zip(params, before[0])]
        values = [jnp.where(is_update, new, old) for new, old in zip(values, before[1])]
        for i, k in enumerate(accumulators):
            if summed[i] is not None:
                values[k] = jnp.where(is_update, jnp.zeros_like(summed[i]), summed[i])
    if opt.use_ema:
        params = _moving_average(opt, params, values, step_count)
    for i in active:
        constraint = getattr(opt._trainable_variables[i], "constraint", None)
        if constraint is not None:
            params[i] = constraint(params[i])
    values[0] = iteration + 1
    return params, values


def _check_layout(opt, optimizer_values, grads, trainable_values) -> None:
    expected = {
        "optimizer_values": (optimizer_values, len(opt._variables), "`optimizer.variables`"),
        "grads": (grads, len(opt._trainable_variables), "the built variable list"),
        "trainable_values": (trainable_values, len(opt._trainable_variables), "the built variable list"),
    }
    for label, (got, count, what) in expected.items():
        if len(got) != count:
            raise ValueError(
                f"`{label}` must have one entry per element of {what} ({count}). "
                f"Received: len({label})={len(got)}"
            )


def _update_variables(opt, values, params, grads, active, learning_rate, step_count) -> None:
    """Run the optimizer's own rule on every variable that has a gradient (in place on the lists)."""
    scalars = {name: values[k] for name, k in opt._scalar_indices.items()}
    scalars = opt._prepare_scalars(scalars, step_count)
    for name, k in opt._scalar_indices.items():
        values[k] = scalars[name]
    own_slots = [slot for group in opt._slot_groups() for slot in group]
    for i in active:
        param = params[i]
        slots = {slot: values[opt._slot_indices[slot][i]] for slot in own_slots}
        grad = grads[i].astype(param.dtype)
        lr = jnp.asarray(learning_rate).astype(param.dtype)
        params[i], slots = opt._update_step(grad, param, slots, lr, step_count, scalars)
        for slot in own_slots:
            values[opt._slot_indices[slot][i]] = slots[slot]


def _moving_average(opt, params: list, values: list, step_count: jax.Array) -> list:
    """Update the EMA slots from all weights; overwrite the weights every `ema_overwrite_frequency`."""
    averages = opt._slot_indices["average"]
    for i, k in enumerate(averages):
        values[k] = transforms.ema_update(values[k], params[i], opt.ema_momentum, step_count)
    if opt.ema_overwrite_frequency:
        overwrite = (step_count + 1) % opt.ema_overwrite_frequency == 0
        params = [jnp.where(overwrite, values[k], p) for k, p in zip(averages, params)]
    return params
