"""``lr_find``: the learning-rate sweep (Géron, *Hands-On ML*, ch. 11; Smith, 2015).

Train for a few hundred steps while the learning rate grows by a constant factor each step, from
``min_lr`` to ``max_lr``, and record the loss of every step.  The loss first falls slowly (the rate
is too small), then quickly, then climbs and explodes once the rate is too large; a good rate sits
somewhat below the point where the loss is lowest.

The whole sweep is one compiled program: a ``lax.scan`` over the steps whose carry holds the
training state (weights, optimizer slots, the smoothed loss, whether the loss has exploded).  Each
step runs the model through the bridge (``bridge.stateless_call``) and the optimizer's pure
``stateless_apply`` with the learning rate slot set to the step's rate, a traced value, so one
executable serves every rate.  After the loss explodes the remaining steps do nothing and are cut
off.  The model's weights and optimizer state are never written: they are the same, bit for bit,
after the sweep as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from strata.core.variable import Variable
from strata.training import data_adapter, programs as programs_lib

SMOOTHING = 0.98
"""Momentum of the bias-corrected moving average that smooths the recorded losses."""


@dataclass
class LRFindResult:
    """What :func:`lr_find` measured.

    Attributes:
        lrs: the learning rate of each recorded step (float64 array).
        losses: the training loss of each step, on the batch it trained on.
        smoothed_losses: the bias-corrected exponential moving average of ``losses`` (momentum 0.98).
        suggestion: the suggested learning rate: the rate where the smoothed loss is lowest, divided
            by 10 (Géron's rule: about ten times lower than the rate at the bottom of the curve).
        stopped_early: whether the sweep stopped because the loss exploded.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float
    stopped_early: bool

    def plot(self, figsize: tuple[float, float] = (6.0, 4.0)) -> Any:
        """A matplotlib ``Figure``: loss against learning rate (log x axis), the suggestion marked.

        Example:
            >>> result = LRFindResult(np.geomspace(1e-4, 1, 5), np.ones(5), np.ones(5), 1e-3, False)
            >>> result.plot().axes[0].get_xscale()
            'log'
        """
        from strata.explain.figures import new_figure

        figure = new_figure(figsize)
        axes = figure.add_subplot(1, 1, 1)
        axes.plot(self.lrs, self.losses, color="tab:blue", alpha=0.3, linewidth=1, label="loss")
        axes.plot(self.lrs, self.smoothed_losses, color="tab:blue", linewidth=2, label="smoothed loss")
        axes.axvline(self.suggestion, color="tab:red", linestyle="--",
                     label=f"suggestion {self.suggestion:.2e}")
        axes.set_xscale("log")
        finite = self.smoothed_losses[np.isfinite(self.smoothed_losses)]
        if finite.size:
            low, start = float(finite.min()), float(finite[0])
            axes.set_ylim(low - 0.05 * abs(low), max(start, low) * 1.5 + 1e-12)
        axes.set_xlabel("Learning rate")
        axes.set_ylabel("Loss")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        return figure


def sweep_rates(min_lr: float, max_lr: float, steps: int) -> np.ndarray:
    """The rate of each step: ``min_lr * factor**i`` with ``factor = (max_lr / min_lr)**(1 / (steps - 1))``.

    Example:
        >>> sweep_rates(1e-3, 1e-1, 3).round(6).tolist()
        [0.001, 0.01, 0.1]
    """
    return min_lr * (max_lr / min_lr) ** (np.arange(steps, dtype=np.float64) / max(steps - 1, 1))


def _check_arguments(model: Any, min_lr: Any, max_lr: Any, steps: Any, batch_size: Any, stop_factor: Any) -> None:
    if not getattr(model, "compiled", False):
        raise RuntimeError(
            "lr_find needs a compiled model: call `model.compile(optimizer=..., loss=...)` first.")
    if not isinstance(getattr(model.optimizer, "_learning_rate", None), Variable):
        raise ValueError(
            "lr_find sets the learning rate itself, so the optimizer needs a float `learning_rate`. "
            f"Received: learning_rate={model.optimizer._learning_rate!r}. Compile with e.g. "
            "`optimizer=keras.optimizers.SGD(learning_rate=1e-3)`.")
    if not (isinstance(min_lr, (int, float)) and isinstance(max_lr, (int, float)) and 0 < min_lr < max_lr):
        raise ValueError(f"`min_lr` and `max_lr` must satisfy 0 < min_lr < max_lr. "
                         f"Received: min_lr={min_lr!r}, max_lr={max_lr!r}")
    for name, value, low in (("steps", steps, 2), ("batch_size", batch_size, 1)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            raise ValueError(f"`{name}` must be an integer >= {low}. Received: {name}={value!r}")
    if stop_factor is not None and not stop_factor > 1:
        raise ValueError(f"`stop_factor` must be > 1 or None. Received: stop_factor={stop_factor!r}")


def _sweep_program(programs: Any, lr_index: int, batch_size: int, batches: int, stop_factor: float | None):
    """``(state, data, orders, lrs) -> (losses, smoothed, stopped)``, the scanned sweep, jitted once per
    architecture and sweep shape (kept with the model's other compiled programs)."""
    cache_key = ("lr_find", lr_index, batch_size, batches, stop_factor)
    if cache_key in programs._jitted:
        return programs._jitted[cache_key]  # on disk too, through the model's compilation cache
    optimizer = programs.optimizer
    stop = np.float32(np.inf if stop_factor is None else stop_factor)

    def train(state: dict, xb: Any, yb: Any, swb: Any, mask: Any, lr: Any) -> tuple[dict, Any]:
        def loss_fn(trainable: list) -> tuple[Any, list]:
            outputs, new_non_trainable, losses = programs._forward(dict(state, trainable=trainable), xb, True, mask)
            total, _, _ = programs._loss(yb, outputs, swb, mask, losses)
            return total, new_non_trainable

        (total, new_non_trainable), grads = jax.value_and_grad(loss_fn, has_aux=True)(state["trainable"])
        slots = list(state["optimizer"])
        slots[lr_index] = lr.astype(slots[lr_index].dtype)
        trainable, slots = optimizer.stateless_apply(slots, grads, state["trainable"])
        return dict(state, trainable=list(trainable), optimizer=list(slots),
                    non_trainable=list(new_non_trainable), step=state["step"] + 1), total

    def run(state: dict, data: tuple, orders: Any, lrs: Any) -> tuple[Any, Any, Any]:
        total = jax.tree_util.tree_leaves(data[0])[0].shape[0]

        def body(carry: tuple, inputs: tuple) -> tuple:
            state, average, best, stopped = carry
            i, lr = inputs
            epoch, batch = i // batches, i % batches
            rows = lax.dynamic_slice(orders, (epoch, batch * batch_size), (1, batch_size))[0]
            xb, yb, swb, mask = programs_lib.Programs._batch(data, rows, batch * batch_size, batch_size, total)

            def active(operand: tuple) -> tuple:
                state, average, best = operand
                state, loss = train(state, xb, yb, swb, mask, lr)
                average = SMOOTHING * average + (1 - SMOOTHING) * loss
                smooth = average / (1 - SMOOTHING ** (i + 1).astype(jnp.float32))
                exploded = ~jnp.isfinite(loss) | ((i > 0) & (smooth > stop * best))
                return (state, average, jnp.minimum(best, smooth), exploded), (loss, smooth)

            def idle(operand: tuple) -> tuple:
                state, average, best = operand
                nan = jnp.full((), jnp.nan, jnp.float32)
                return (state, average, best, jnp.bool_(True)), (nan, nan)

            (state, average, best, exploded), record = lax.cond(stopped, idle, active, (state, average, best))
            return (state, average, best, stopped | exploded), (record, stopped)

        zero = jnp.zeros((), jnp.float32)
        carry = (state, zero, jnp.full((), jnp.inf, jnp.float32), jnp.bool_(False))
        steps = jnp.arange(lrs.shape[0], dtype=jnp.int32)
        _, ((losses, smoothed), skipped) = lax.scan(body, carry, (steps, lrs))
        return losses, smoothed, skipped

    return programs._jit(cache_key, run, donate=(), outputs=lambda *args: (0, 0, 0))


def lr_find(model: Any, x: Any, y: Any, min_lr: float = 1e-5, max_lr: float = 10.0, steps: int | None = None,
            batch_size: int = 32, sample_weight: Any = None, shuffle: bool = True, seed: int = 0,
            stop_factor: float | None = 4.0) -> LRFindResult:
    """Sweep the learning rate exponentially from ``min_lr`` to ``max_lr``, recording the loss.

    The model must be compiled with an optimizer whose ``learning_rate`` is a float.  Step ``i``
    trains on one batch with rate ``min_lr * factor**i`` (see :func:`sweep_rates`); batches follow
    one another through the data (shuffled each pass with ``seed`` when ``shuffle``), cycling when
    ``steps`` exceeds one epoch.  The sweep stops once the loss is not finite or its smoothed value
    exceeds ``stop_factor`` times the lowest smoothed value so far (that step is the last one
    recorded).  The model's weights, optimizer state and step counters are left untouched (an
    optimizer not built yet is built, as the first ``fit`` would, with its slots at their start values).

    Args:
        model: a compiled model.
        x, y: training inputs and targets, as for ``fit``.
        min_lr, max_lr: the first and the last rate of the sweep.
        steps: number of steps; default one epoch (``ceil(len(x) / batch_size)``), as Géron does.
        batch_size: rows per step.
        sample_weight: optional per-row weights of the loss.
        shuffle: shuffle the rows of each pass through the data.
        seed: the shuffling seed.
        stop_factor: explosion threshold on the smoothed loss; ``None`` runs every step.

    Returns:
        An :class:`LRFindResult` (``lrs``, ``losses``, ``suggestion``, ``plot()``).

    Example:
        >>> import strata
        >>> model = strata.Sequential([strata.Input((1,)), strata.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> x = np.linspace(-1, 1, 64, dtype="float32")[:, None]
        >>> result = lr_find(model, x, 3 * x, min_lr=1e-3, max_lr=10.0, steps=40, batch_size=16)
        >>> bool(result.suggestion < 10.0) and len(result.lrs) == len(result.losses)
        True
    """
    _check_arguments(model, min_lr, max_lr, steps, batch_size, stop_factor)
    model._sync_training_state()
    x = model._prepare_x(x)
    y = data_adapter.cast_targets(data_adapter.to_structure(y, "y", data_adapter.output_keys(model)))
    if y is None:
        raise ValueError("`y` is required: lr_find trains on (x, y). Received: y=None")
    data_adapter.check_finite(y, "y")
    sample_weight = None if sample_weight is None else data_adapter.to_numpy(sample_weight, "sample_weight")
    total = data_adapter.num_samples(x, y, sample_weight)
    programs = model._prepare(x, y, batch_size)
    if not isinstance(programs, programs_lib.Programs):
        raise ValueError(
            f"lr_find runs the compiled loss of `compile()`; model '{model.name}' overrides `train_step`, "
            "whose loss it cannot see. Sweep with a model that uses the built-in train step.")
    batches = -(-total // batch_size)
    steps = batches if steps is None else steps
    lrs = sweep_rates(float(min_lr), float(max_lr), steps)
    lr_index = next(i for i, v in enumerate(model.optimizer.variables) if v is model.optimizer._learning_rate)
    state = model._read_state(programs)
    state = {key: state[key] for key in ("trainable", "non_trainable", "optimizer", "step", "seeds")}
    data = jax.device_put((x, y, None if sample_weight is None else sample_weight.astype(np.float32)))
    # one row order per pass through the data, padded to whole batches (the padding rows are masked)
    rng = np.random.default_rng(seed)
    orders = np.zeros((-(-steps // batches), batches * batch_size), np.int32)
    for row in orders:
        row[:total] = rng.permutation(total) if shuffle else np.arange(total)
    program = _sweep_program(programs, lr_index, batch_size, batches, stop_factor)
    losses, smoothed, skipped = jax.device_get(program(state, data, orders, jnp.asarray(lrs, jnp.float32)))
    recorded = int(np.sum(~skipped))
    losses, smoothed = np.asarray(losses[:recorded]), np.asarray(smoothed[:recorded])
    finite = np.where(np.isfinite(smoothed), smoothed, np.inf)
    suggestion = float(lrs[int(np.argmin(finite))] / 10) if recorded else float(min_lr)
    return LRFindResult(lrs=lrs[:recorded], losses=losses, smoothed_losses=smoothed, suggestion=suggestion,
                        stopped_early=recorded < steps)
