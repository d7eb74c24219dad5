"""``Optimizer``: the Keras-style object around a pure update rule.

The compiled train step calls :meth:`Optimizer.stateless_apply`, a pure function of arrays laid out
like :attr:`Optimizer.variables`.  The eager Keras API (``apply``, ``apply_gradients``) reads the
variables, runs that same function and assigns the results, so there is one update path.

Variable layout (as Keras 3): ``iteration`` (int32), ``learning_rate`` (float32, only for a float
rate), then per-variable slots: the EMA ``average`` and ``gradient_accumulator`` groups when enabled,
then the subclass's groups (names interleaved per variable inside a group), then scalar slots.
"""

from __future__ import annotations

import numbers
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata import config
from strata.core import naming
from strata.core.variable import Variable
from strata.optimizers import step
from strata.optimizers.schedules import learning_rate_schedule as lrs


def _check_learning_rate(learning_rate: Any) -> Any:
    if isinstance(learning_rate, lrs.LearningRateSchedule):
        return learning_rate
    if isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool):
        return float(learning_rate)
    if callable(learning_rate):
        return learning_rate
    raise ValueError(
        "Argument `learning_rate` must be a float, a LearningRateSchedule, or a callable that "
        f"takes no arguments and returns the rate. Received: learning_rate={learning_rate!r} "
        f"(of type {type(learning_rate).__name__})"
    )


class Optimizer:
    """Base class of optimizers (``keras.optimizers.Optimizer``).

    Subclasses store their hyperparameters, list their slots in :meth:`_slot_groups` and implement
    :meth:`_update_step` as a call to their pure update function.

    Args:
        learning_rate: a float, a ``LearningRateSchedule``, or a zero-argument callable.
        weight_decay: if set, decoupled weight decay ``w -= w * weight_decay * lr`` before each update.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: momentum of that average.
        ema_overwrite_frequency: every this many steps, overwrite the weights with their average.
        loss_scale_factor: the loss is multiplied by it and the gradients divided by it.
        gradient_accumulation_steps: update only every this many steps, with the mean gradient.
        name: the optimizer's name; default the snake-cased class name made unique (``"adam_1"``).
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        learning_rate = _check_learning_rate(learning_rate)
        clip_args = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(value is not None for value in clip_args.values()) > 1:
            received = ", ".join(f"{key}={value}" for key, value in clip_args.items())
            raise ValueError(
                f"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: {received}"
            )
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2 or None. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
            )
        if use_ema and ema_overwrite_frequency is not None and (
            not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
        ):
            raise ValueError(
                "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
            )
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._trainable_variables: list = []
        self._var_index: dict[int, int] = {}
        self._slot_indices: dict[str, list[int]] = {}
        self._scalar_indices: dict[str, int] = {}
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern | None = None
        with naming.name_scope(self.name):
            self._iterations = Variable(0, dtype="int32", trainable=False, name="iteration")
        self._variables: list[Variable] = [self._iterations]
        self._learning_rate = self._wrap_learning_rate(learning_rate)

    def _wrap_learning_rate(self, learning_rate: Any) -> Any:
        if not isinstance(learning_rate, float):
            return learning_rate
        with naming.name_scope(self.name):
            variable = Variable(learning_rate, dtype=config.floatx(), trainable=False, name="learning_rate")
        self._variables.append(variable)
        return variable

    # -- state -------------------------------------------------------------------------------------
    @property
    def variables(self) -> list[Variable]:
        """All optimizer variables, in Keras's order (the layout ``stateless_apply`` expects)."""
        return list(self._variables)

    @property
    def iterations(self) -> Any:
        """The step counter (the ``iteration`` Variable; the optimizer-step count when accumulating)."""
        if self.gradient_accumulation_steps:
            return self._iterations.value // self.gradient_accumulation_steps
        return self._iterations

    @property
    def learning_rate(self) -> Any:
        """The current rate: the ``learning_rate`` Variable, or the schedule's value at this step."""
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        return self._rate_at(self._iterations.value, None)

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        learning_rate = _check_learning_rate(learning_rate)
        if isinstance(learning_rate, float):
            if not isinstance(self._learning_rate, Variable):
                raise TypeError(
                    "This optimizer was created with a schedule or callable `learning_rate`, so its "
                    "learning rate cannot be set to a float. Create the optimizer with a float "
                    f"`learning_rate` to make it settable. Received: learning_rate={learning_rate}"
                )
            self._learning_rate.assign(learning_rate)
            return
        if isinstance(self._learning_rate, Variable):
            self._variables.remove(self._learning_rate)
        self._learning_rate = learning_rate

    def _rate_at(self, iteration: Any, variable_value: Any) -> Any:
        """The rate for a step: schedule(iteration), the given variable value, or callable()."""
        rate = self._learning_rate
        if isinstance(rate, lrs.LearningRateSchedule):
            return rate(iteration)
        if isinstance(rate, Variable):
            return variable_value
        return rate()

    # -- building ------------------------------------------------------------------------------------
    def _slot_groups(self) -> list[tuple[str, ...]]:
        """Slot names per trainable variable; names in one group are interleaved per variable."""
        return []

    def _scalar_slots(self) -> list[tuple[str, float]]:
        """Scalar optimizer variables ``(name, initial value)`` created after the slots."""
        return []

    def _slot_initial_value(self, slot: str) -> float:
        return 0.0

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None) -> Variable:
        """Create and track an optimizer variable (``initializer``: "zeros", "ones", a number or callable)."""
        dtype = dtype or config.floatx()
        shape = tuple(shape)
        if isinstance(initializer, str) and initializer in ("zeros", "ones"):
            initializer = 0 if initializer == "zeros" else 1
        if isinstance(initializer, numbers.Number):
            value = np.full(shape, initializer, dtype=dtype)  # host: no compile per shape
        elif callable(initializer):
            value = initializer(shape, dtype=dtype)
        else:
            value = initializer
        with naming.name_scope(self.name):
            variable = Variable(value, shape=shape, dtype=dtype, trainable=False, name=name)
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros") -> Variable:
        """A slot shaped like ``reference_variable``, named ``"<its path with / as _>_<name>"``."""
        path = getattr(reference_variable, "path", None) or str(reference_variable.name)
        full_name = f"{path.replace('/', '_').replace(':', '_')}_{name or 'var'}"
        return self.add_variable(reference_variable.shape, initializer, reference_variable.dtype, full_name)

    def build(self, var_list: Sequence) -> None:
        """Create the slot variables for ``var_list`` (the model's trainable variables)."""
        if self.built:
            return
        var_list = list(var_list)
        self._trainable_variables = var_list
        self._var_index = {id(v): i for i, v in enumerate(var_list)}
        groups = []
        if self.use_ema:
            groups.append(("average",))
        if self.gradient_accumulation_steps:
            groups.append(("gradient_accumulator",))
        for group in groups + list(self._slot_groups()):
            for slot in group:
                self._slot_indices[slot] = []
            for variable in var_list:
                for slot in group:
                    self.add_variable_from_reference(variable, slot, self._slot_initial_value(slot))
                    self._slot_indices[slot].append(len(self._variables) - 1)
        dtype = var_list[0].dtype if var_list else config.floatx()
        for slot, initial in self._scalar_slots():
            self.add_variable((), initial, dtype, slot)
            self._scalar_indices[slot] = len(self._variables) - 1
        self.built = True

    def exclude_from_weight_decay(
        self, var_list: Iterable | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Exempt variables from weight decay: these objects, or those whose name contains a string."""
        self._exclude_ids = {id(v) for v in var_list or ()}
        names = sorted(set(var_names or ()))
        self._exclude_pattern = re.compile("|".join(names)) if names else None

    def _use_weight_decay(self, variable: Any) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_pattern
        return pattern is None or pattern.search(variable.name) is None

    # -- the pure update (what the compiled step calls) -----------------------------------------------
    def _update_step(self, grad, param, slots, learning_rate, iterations, scalars):
        """Return ``(new_param, new_slots)`` for one variable; ``iterations`` is the pre-step count."""
        raise NotImplementedError(f"{type(self).__name__} must implement `_update_step`.")

    def _prepare_scalars(self, scalars: dict, iterations: jax.Array) -> dict:
        """Update scalar slots once per step, before the per-variable updates."""
        return scalars

    def stateless_apply(self, optimizer_values: Sequence, grads: Sequence, trainable_values: Sequence):
        """Pure optimizer step: ``(new_trainable_values, new_optimizer_values)``.

        Args:
            optimizer_values: arrays aligned with :attr:`variables`.
            grads: gradients aligned with the built variable list (``None``: leave that one alone).
            trainable_values: arrays aligned with the built variable list.
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built. "
                "Call `optimizer.build(trainable_variables)` first."
            )
        return step.apply_step(self, optimizer_values, grads, trainable_values)

    # -- the eager Keras API ---------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Iterable) -> Variable:
        """Apply ``(gradient, variable)`` pairs; returns the ``iterations`` Variable."""
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads: Sequence, trainable_variables: Sequence | None = None) -> None:
        """Update ``trainable_variables`` (default: the built list) in place with ``grads``."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the optimizer must already be "
                    "built. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"`grads` and `trainable_variables` must have the same length. "
                f"Received: len(grads)={len(grads)}, len(trainable_variables)={len(trainable_variables)}"
            )
        self.build(trainable_variables)
        full: list = [None] * len(self._trainable_variables)
        for grad, variable in zip(grads, trainable_variables):
            if id(variable) not in self._var_index:
                raise ValueError(
                    f"Unknown variable: {variable.path}. This optimizer can only update the variables "
                    "it was built with; create a new optimizer for new variables."
                )
            full[self._var_index[id(variable)]] = grad
        missing = [v.path for g, v in zip(grads, trainable_variables) if g is None]
        if len(missing) == len(grads):
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                "`model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=2,
            )
        full = [None if g is None else jnp.asarray(g) for g in full]
        params, values = self.stateless_apply(
            [v.value for v in self._variables], full, [v.value for v in self._trainable_variables]
        )
        for variable, value in zip(self._trainable_variables, params):
            variable.assign(value)
        for variable, value in zip(self._variables, values):
            variable.assign(value)

    def scale_loss(self, loss: Any) -> Any:
        """Multiply the loss by ``loss_scale_factor`` (when set) before taking gradients."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def finalize_variable_values(self, var_list: Sequence) -> None:
        """With ``use_ema``, overwrite the weights in ``var_list`` with their moving averages."""
        if not self.use_ema:
            return
        averages = self._slot_indices.get("average", [])
        if len(var_list) != len(averages):
            raise ValueError(
                f"`var_list` must have one entry per variable the optimizer was built with "
                f"({len(averages)}). Received: len(var_list)={len(var_list)}"
            )
        for variable, k in zip(var_list, averages):
            variable.assign(self._variables[k].value)

    def set_weights(self, weights: Sequence) -> None:
        """Assign all optimizer variables from a list of arrays (in :attr:`variables` order)."""
        if not self.built:
            raise ValueError("Call `optimizer.build(trainable_variables)` before `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store: Any) -> None:
        """Write the variables to ``store`` under keys ``"0"``, ``"1"``, ... (the weights-file layout)."""
        for index, variable in enumerate(self._variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store: Any) -> None:
        """Read the variables back from ``store``; warns and skips when the counts differ."""
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self._variables)} variables whereas the saved optimizer has {len(store.keys())}.",
                stacklevel=2,
            )
            return
        for index, variable in enumerate(self._variables):
            variable.assign(store[str(index)])

    # -- configuration ---------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as Keras 3 writes them."""
        rate = self._learning_rate
        if isinstance(rate, Variable):
            learning_rate: Any = float(rate.numpy())
        elif isinstance(rate, lrs.LearningRateSchedule):
            learning_rate = lrs.serialize(rate)
        else:
            learning_rate = {"module": getattr(rate, "__module__", None), "class_name": "function",
                             "config": getattr(rate, "__name__", repr(rate)), "registered_name": "function"}
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None):
        """Create an optimizer from :meth:`get_config`'s dict (a schedule dict is deserialized)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = lrs.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)
