"""``RecurrentCell``: what the built-in cells share — one timestep split into two halves.

A recurrent cell maps ``(x_t, states)`` to ``(output, new_states)``.  Keras's contract for any cell
is ``call(inputs, states, training=None) -> (output, new_states)`` with a ``state_size``; the
built-in cells follow it, and additionally split a step into

* ``project_inputs(x, input_mask)`` — the part that depends only on the input
  (``x @ kernel + input bias``), which the ``RNN`` layer computes for **all timesteps at once**
  before its ``lax.scan``, and
* ``step(projected, states, recurrent_mask)`` — the part that needs the previous state
  (``h @ recurrent_kernel`` and the gates), the only work left inside the loop.

Dropout follows Keras: ``dropout`` masks the input and ``recurrent_dropout`` the previous output;
each mask is drawn once per call (of the RNN layer, or of the cell when called directly), reused at
every timestep, scaled by ``1/(1-rate)``, and only when training.  A non-zero
``recurrent_dropout`` makes gated cells draw one independent mask per gate (Keras's
"implementation 1").
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.core.random import SeedGenerator, bernoulli
from strata.layers.layer import Layer


def check_units(units: Any) -> int:
    """``units`` as a positive int, or a ValueError naming it."""
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or int(units) <= 0:
        raise ValueError(
            "Received an invalid value for argument `units`, expected a positive integer, "
            f"got {units!r}. Pass the size of the state, e.g. `units=16`."
        )
    return int(units)


def _dropout_mask(key: Any, rate: float, shape: tuple, dtype: Any) -> Any:
    keep = bernoulli(key, 1.0 - rate, shape)  # jax.random.bernoulli's values, fused (core/random.py)
    return jnp.where(keep, jnp.asarray(1.0 / (1.0 - rate), dtype), jnp.zeros((), dtype))


class RecurrentCell(Layer):
    """Base class of ``SimpleRNNCell``, ``LSTMCell`` and ``GRUCell`` (not a Keras name).

    Subclasses set ``gates`` (1, 4 or 3) and implement ``build``, ``project_inputs`` and ``step``.
    """

    gates = 1

    def _init_dropout(self, dropout: float, recurrent_dropout: float, seed: int | None) -> None:
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    @property
    def mask_count(self) -> int:
        """How many independent masks each dropout draws: one per gate in implementation 1."""
        return self.gates if self.gates > 1 and self.recurrent_dropout != 0.0 else 1

    @property
    def output_size(self) -> int:
        return self.units

    def get_initial_state(self, batch_size: int | None = None) -> list:
        """Zero states, one ``(batch_size, units)`` array per state."""
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [jnp.zeros((batch_size, size), self.compute_dtype) for size in sizes]

    def state_shape(self, step_shape: tuple) -> tuple:
        """The shape of the (first) state for one timestep of input of ``step_shape``."""
        return (step_shape[0], self.units)

    def draw_masks(self, step_shape: tuple, training: Any) -> tuple[Any, Any]:
        """``(input_mask, recurrent_mask)`` for one call on timesteps of ``step_shape``.

        ``None`` where no dropout applies.  A mask has the shape of one timestep's input (or
        state), with a leading gate axis when there is one mask per gate.
        """
        def draw(rate: float, shape: tuple) -> Any:
            if not training or not 0.0 < rate < 1.0:
                return None
            count = self.mask_count
            shape = shape if count == 1 else (count,) + shape
            return _dropout_mask(self.seed_generator.next(), rate, shape, self.compute_dtype)

        step_shape = tuple(step_shape)
        return draw(self.dropout, step_shape), draw(self.recurrent_dropout, self.state_shape(step_shape))

    def _masked_matmul(self, x: Any, kernel: Any, mask: Any) -> Any:
        """``(x * mask) @ kernel``; a per-gate mask multiplies each gate's column block separately.

        ``x`` is ``(batch, dim)`` or ``(batch, time, dim)``; the mask (per batch row) is reused
        at every timestep.
        """
        if mask is None:
            return jnp.matmul(x, kernel)
        if x.ndim == 3:
            mask = jnp.expand_dims(mask, -2)
        if mask.ndim == x.ndim:
            return jnp.matmul(x * mask, kernel)
        blocks = jnp.split(kernel, mask.shape[0], axis=-1)
        return jnp.concatenate([jnp.matmul(x * mask[g], blocks[g]) for g in range(mask.shape[0])], axis=-1)

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, Any]:
        """One timestep: ``inputs`` ``(batch, features)`` and the states -> ``(output, new_states)``."""
        nested = isinstance(states, (list, tuple))
        state_list = list(states) if nested else [states]
        input_mask, recurrent_mask = self.draw_masks(inputs.shape, training)
        output, new_states = self.step(self.project_inputs(inputs, input_mask), state_list, recurrent_mask)
        if not nested and len(new_states) == 1:
            return output, new_states[0]
        return output, new_states

    def _add_kernels(self, input_dim: int, bias_shape: tuple, bias_initializer: Any) -> None:
        width = self.units * self.gates
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=bias_shape, name="bias", initializer=bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape: Any, states_shape: Any = None) -> tuple:
        return (input_shape[0], self.units)
