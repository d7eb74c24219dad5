"""``LossScaleOptimizer``: dynamic loss scaling, so float16 gradients neither underflow nor overflow.

Under ``"mixed_float16"`` small gradients round to zero in float16.  The train step therefore
multiplies the loss by a large *scale* before differentiating (:meth:`scale_loss`) and this
optimizer divides the gradients by it before the wrapped optimizer uses them.  The scale adapts,
as in Keras:

* if any gradient is not finite, the step is skipped (weights and the inner optimizer untouched),
  the scale halves and the count of good steps restarts;
* after ``dynamic_growth_steps`` finite steps in a row the scale doubles.

Its own variables (``iteration``, ``learning_rate``, ``step_counter``, ``dynamic_scale``) come
before the wrapped optimizer's in :attr:`variables`, the layout the compiled step and the weight
files use.  ``compile()`` wraps the optimizer in one automatically when the model's policy is
``"mixed_float16"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata.core import naming
from strata.core.variable import Variable
from strata.optimizers.optimizer import Optimizer

# Base-optimizer arguments Keras still accepts (at their defaults) when reading old configs.
_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wrap ``inner_optimizer`` with dynamic loss scaling (``keras.optimizers.LossScaleOptimizer``).

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the first loss scale (``2**15``).
        dynamic_growth_steps: double the scale after this many finite steps in a row (2000).
        name: the optimizer's name (default ``"loss_scale_optimizer"``, made unique).

    Example:
        >>> from strata import optimizers
        >>> opt = LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0)
        >>> w = Variable([1.0])
        >>> opt.apply([np.array([float("inf")])], [w])   # overflow: skipped, scale halves
        >>> float(opt.dynamic_scale.numpy()), w.numpy().tolist()
        (4.0, [1.0])
        >>> opt.apply([np.array([4.0])], [w])            # gradient 4 / scale 4 = 1
        >>> round(float(w.numpy()[0]), 4)
        0.9
    """

    def __init__(self, inner_optimizer: Any, initial_scale: float = 2.0**15, dynamic_growth_steps: int = 2000,
                 name: str | None = None, **kwargs: Any) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for key, default in _BASE_DEFAULTS.items():
            if key in kwargs and kwargs.pop(key) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{key}`. Instead, set `{key}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "`inner_optimizer` must be an optimizer instance such as `strata.optimizers.Adam()`. "
                f"Received: inner_optimizer={inner_optimizer!r} (of type {type(inner_optimizer).__name__})"
            )
        if isinstance(dynamic_growth_steps, bool) or not isinstance(dynamic_growth_steps, int) \
                or dynamic_growth_steps < 1:
            raise ValueError(
                "`dynamic_growth_steps` must be a positive integer. "
                f"Received: dynamic_growth_steps={dynamic_growth_steps!r}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None  # else the gradients would be unscaled twice

    # -- state -------------------------------------------------------------------------------------
    def build(self, var_list: Sequence) -> None:
        """Create ``step_counter`` and ``dynamic_scale``, then build the inner optimizer."""
        if self.built:
            return
        with naming.name_scope(self.name):
            self.step_counter = Variable(0, dtype="int32", trainable=False, name="step_counter")
            self.dynamic_scale = Variable(float(self.initial_scale), dtype="float32", trainable=False,
                                          name="dynamic_scale")
        self._variables += [self.step_counter, self.dynamic_scale]
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self) -> list[Variable]:
        """Own variables, then the inner optimizer's."""
        return list(self._variables) + list(self.inner_optimizer.variables)

    @property
    def iterations(self) -> Any:
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    # -- the pure update -----------------------------------------------------------------------------
    def stateless_scale_loss(self, optimizer_values: Sequence, loss: Any) -> Any:
        """``loss`` times the scale held in ``optimizer_values`` (what the compiled step differentiates)."""
        return loss * optimizer_values[len(self._variables) - 1].astype(loss.dtype)

    def scale_loss(self, loss: Any) -> Any:
        """``loss`` times the current scale (``initial_scale`` before the optimizer is built)."""
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * scale

    def stateless_apply(self, optimizer_values: Sequence, grads: Sequence, trainable_values: Sequence):
        """One step: unscale and apply when every gradient is finite, else skip and halve the scale."""
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built. "
                "Call `optimizer.build(trainable_variables)` first."
            )
        own_count = len(self._variables)
        values = list(optimizer_values)
        own, inner = values[:own_count], values[own_count:]
        counter, scale = own[-2], own[-1]
        present = [g for g in grads if g is not None]
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in present])) if present else jnp.bool_(True)
        params = list(trainable_values)

        def apply_finite(_: Any) -> tuple[list, list]:
            unscaled = [g if g is None or getattr(v, "overwrite_with_gradient", False) else g / scale.astype(g.dtype)
                        for g, v in zip(grads, self._trainable_variables)]
            new_params, new_inner = self.inner_optimizer.stateless_apply(inner, unscaled, params)
            grow = counter == self.dynamic_growth_steps - 1
            new_own = own[:-2] + [jnp.where(grow, 0, counter + 1), jnp.where(grow, scale * 2.0, scale)]
            return _like(params, new_params), _like(values, new_own + list(new_inner))

        def skip(_: Any) -> tuple[list, list]:
            new_own = own[:-2] + [jnp.zeros_like(counter), scale * 0.5]
            return _like(params, params), _like(values, new_own + inner)

        return jax.lax.cond(finite, apply_finite, skip, None)

    def apply(self, grads: Sequence, trainable_variables: Sequence | None = None) -> None:
        """Eager step on Variables: skip-or-apply as :meth:`stateless_apply`, then assign."""
        grads = list(grads)
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
                "`grads` and `trainable_variables` must have the same length. "
                f"Received: len(grads)={len(grads)}, len(trainable_variables)={len(trainable_variables)}"
            )
        self.build(trainable_variables)
        full: list = [None] * len(self._trainable_variables)
        for grad, variable in zip(grads, trainable_variables):
            full[self._var_index[id(variable)]] = None if grad is None else jnp.asarray(grad)
        variables = self.variables
        params, values = self.stateless_apply([v.value for v in variables], full,
                                              [v.value for v in self._trainable_variables])
        for variable, value in zip(self._trainable_variables, params):
            variable.assign(value)
        for variable, value in zip(variables, values):
            variable.assign(value)

    def finalize_variable_values(self, var_list: Sequence) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    # -- files and configs ---------------------------------------------------------------------------
    def set_weights(self, weights: Sequence) -> None:
        if not self.built:
            raise ValueError("Call `optimizer.build(trainable_variables)` before `set_weights()`.")
        for variable, weight in zip(self.variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store: Any) -> None:
        """Own then inner variables under keys ``"0"``, ``"1"``, ... (Keras's layout)."""
        for index, variable in enumerate(self.variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store: Any) -> None:
        variables = self.variables
        if len(store.keys()) != len(variables):
            import warnings

            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has {len(variables)} "
                f"variables whereas the saved optimizer has {len(store.keys())}.",
                stacklevel=2,
            )
            return
        for index, variable in enumerate(variables):
            variable.assign(store[str(index)])

    def get_config(self) -> dict[str, Any]:
        from strata.optimizers.serialization import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None):
        from strata.optimizers.serialization import deserialize

        config = dict(config)
        inner = deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)


def _like(references: Sequence, values: Sequence) -> list:
    """``values`` with the dtypes of ``references`` (both branches of the step must agree)."""
    return [None if v is None else jnp.asarray(v, dtype=jnp.asarray(r).dtype) for r, v in zip(references, values)]
