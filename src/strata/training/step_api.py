"""Keras 3's JAX extension points on ``Model``: the stateless step methods a subclass may override.

Keras on JAX trains with pure functions of a *state* tuple::

    train_step(state, data) -> (logs, state)   state = (trainable, non_trainable, optimizer, metrics)
    test_step(state, data)  -> (logs, state)   state = (trainable, non_trainable, metrics)
    predict_step(state, data) -> (outputs, non_trainable)   state = (trainable, non_trainable)

each a list of arrays aligned with ``model.trainable_variables``, ``model.non_trainable_variables``,
``model.optimizer.variables`` and ``model.metrics_variables``.  This mixin gives ``Model`` those
methods with Keras's default behaviour, plus the pieces they are made of (``compute_loss``,
``compute_metrics``, ``compute_loss_and_updates``, ``metrics``).  strata's own compiled programs do not
call them: they are the reference a subclass overrides, and when it does, ``fit`` / ``evaluate`` /
``predict`` run the model's steps inside compiled programs (:mod:`strata.training.custom_steps`).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.core.scope import StatelessScope
from strata.training.step_data import unpack_x_y_sample_weight


def _own_metrics(owner: Any) -> list:
    """Metrics held in ``owner``'s attributes (directly or in a list/tuple), in assignment order."""
    from strata.metrics.metric import Metric

    found: list = []
    for name, value in vars(owner).items():
        if name.startswith("_strata"):
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, Metric) and all(item is not m for m in found):
                found.append(item)
    return found


def _new_values(scope: StatelessScope, variables: list) -> list:
    return [scope.current_value(v) for v in variables]


class StepAPI:
    """The Keras step methods of a model (mixed into ``Trainer``)."""

    # -- metrics -------------------------------------------------------------------------------------
    @property
    def _loss_tracker(self) -> Any:
        """The ``Mean(name="loss")`` tracker of ``model.metrics`` (one per ``compile``)."""
        from strata.metrics import Mean

        tracker = self.__dict__.get("_strata_loss_tracker")
        config = getattr(self, "_compile_config", None)
        if tracker is None or tracker[0] is not config:
            tracker = (config, Mean(name="loss"))
            object.__setattr__(self, "_strata_loss_tracker", tracker)
        return tracker[1]

    def _compile_metrics_metric(self) -> Any:
        """The ``"compile_metrics"`` metric, when ``compile`` got metrics and they are built."""
        from strata.training.metric_trackers import CompileMetricsMetric

        config = getattr(self, "_compile_config", None) or {}
        compiled = getattr(self, "_compile_metrics", None)
        if compiled is None or not compiled.built or (config.get("metrics") is None
                                                      and config.get("weighted_metrics") is None):
            return None
        cached = self.__dict__.get("_strata_compile_metrics_metric")
        if cached is None or cached._compiled is not compiled:
            cached = CompileMetricsMetric(compiled)
            object.__setattr__(self, "_strata_compile_metrics_metric", cached)
        return cached

    @property
    def metrics(self) -> list:
        """Keras's order: the loss tracker, the compiled metrics, the model's own metrics, then those of
        its layers (not of nested models).  Override it to list exactly the metrics your step updates."""
        from strata.training.trainer import Trainer

        metrics = []
        if getattr(self, "compiled", False):
            metrics.append(self._loss_tracker)
            compiled = self._compile_metrics_metric()
            if compiled is not None:
                metrics.append(compiled)
        metrics.extend(m for m in _own_metrics(self) if all(m is not k for k in metrics))
        for layer in self._flat_layers():
            if not isinstance(layer, Trainer):
                metrics.extend(_own_metrics(layer))
        return metrics

    @property
    def metrics_variables(self) -> list:
        """The state variables of ``model.metrics``, in order (the ``metrics_variables`` of a step)."""
        variables = []
        for metric in self.metrics:
            variables.extend(metric.variables)
        return variables

    def reset_metrics(self) -> None:
        """Reset the state of every metric in ``model.metrics``."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self) -> dict:
        """``{name: result}`` of ``model.metrics`` (a metric returning a dict adds its entries)."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    # -- losses --------------------------------------------------------------------------------------
    @property
    def losses(self) -> list:
        override = self.__dict__.get("_strata_losses_override")
        if override:
            return list(override)
        return super().losses

    def _compiled_loss_for(self, y_pred: Any) -> Any:
        """The compiled loss, made on first use when a step runs before ``fit`` did (Keras builds it lazily)."""
        from strata.training.compile_loss import CompileLoss

        compiled = getattr(self, "_compile_loss", None)
        config = getattr(self, "_compile_config", None)
        if compiled is None and config is not None and config.get("loss") is not None and y_pred is not None:
            names = self._output_names(len(jax.tree_util.tree_leaves(y_pred)))
            compiled = CompileLoss(config["loss"], config["loss_weights"], names)
            self._compile_loss = compiled
        return compiled

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Any:
        """The compiled loss of ``y`` against ``y_pred`` plus the model's losses (regularizers, add_loss)."""
        del x, training
        total = jnp.zeros((), jnp.float32)
        compiled = self._compiled_loss_for(y_pred)
        if compiled is not None and y is not None and any(obj is not None for obj in compiled.objects):
            predictions = jax.tree_util.tree_leaves(y_pred)
            mask = jnp.ones((predictions[0].shape[0],), jnp.float32)
            total, _ = compiled(jax.tree_util.tree_leaves(y), predictions, sample_weight, mask)
        for extra in self.losses:
            total = total + jnp.asarray(extra, jnp.float32)
        return total

    def stateless_compute_loss(self, trainable_variables: list, non_trainable_variables: list,
                               metrics_variables: list, x: Any = None, y: Any = None, y_pred: Any = None,
                               sample_weight: Any = None, training: bool = True) -> tuple[Any, tuple]:
        """``compute_loss`` with the variables read from the given arrays: ``(loss, (tv, ntv, mv))``."""
        variables = (self.trainable_variables, self.non_trainable_variables, self.metrics_variables)
        values = (trainable_variables, non_trainable_variables, metrics_variables)
        mapping = [pair for vs, xs in zip(variables, values) for pair in zip(vs, xs)]
        with StatelessScope(mapping) as scope:
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return loss, tuple(_new_values(scope, vs) for vs in variables)

    def compute_loss_and_updates(self, trainable_variables: list, non_trainable_variables: list,
                                 metrics_variables: list, x: Any, y: Any, sample_weight: Any,
                                 training: bool = False, optimizer_variables: list | None = None) -> tuple:
        """Forward pass and loss, pure (for ``jax.value_and_grad(..., has_aux=True)``).

        Returns:
            ``(loss, (unscaled_loss, y_pred, non_trainable_variables, metrics_variables))``; ``loss``
            is scaled by the optimizer's ``loss_scale_factor`` when training.
        """
        y_pred, non_trainable_variables, losses = self.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True, training=training)
        object.__setattr__(self, "_strata_losses_override", list(losses))
        try:
            loss, (trainable_variables, non_trainable_variables, metrics_variables) = self.stateless_compute_loss(
                trainable_variables, non_trainable_variables, metrics_variables, x=x, y=y, y_pred=y_pred,
                sample_weight=sample_weight, training=training)
        finally:
            object.__setattr__(self, "_strata_losses_override", [])
        unscaled = loss
        if training and self.optimizer is not None:
            with StatelessScope(list(zip(self.optimizer.variables, optimizer_variables or []))):
                loss = self.optimizer.scale_loss(loss)
        return loss, (unscaled, y_pred, non_trainable_variables, metrics_variables)

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Update the compiled metrics with one batch; return ``get_metrics_result()``."""
        del x
        compiled = self._compile_metrics_metric()
        if compiled is not None:
            compiled.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_metrics_variables(self, metrics_variables: list, unscaled_loss: Any, x: Any, y: Any,
                                  y_pred: Any, sample_weight: Any) -> tuple[dict, list]:
        variables = self.metrics_variables
        with StatelessScope(list(zip(variables, metrics_variables))) as scope:
            rows = next(leaf for leaf in jax.tree_util.tree_leaves(x)).shape[0]
            self._loss_tracker.update_state(unscaled_loss, sample_weight=rows)
            logs = self.compute_metrics(x, y, y_pred, sample_weight)
        return logs, _new_values(scope, variables)

    # -- the steps -----------------------------------------------------------------------------------
    def train_step(self, state: tuple, data: Any) -> tuple[dict, tuple]:
        """One optimizer step: ``(trainable, non_trainable, optimizer, metrics) -> (logs, new state)``."""
        trainable, non_trainable, optimizer_values, metrics_values = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (_, (unscaled, y_pred, non_trainable, metrics_values)), grads = grad_fn(
            trainable, non_trainable, metrics_values, x, y, sample_weight, training=True,
            optimizer_variables=optimizer_values)
        trainable, optimizer_values = self.optimizer.stateless_apply(optimizer_values, grads, trainable)
        logs, metrics_values = self._update_metrics_variables(metrics_values, unscaled, x, y, y_pred,
                                                              sample_weight)
        return logs, (list(trainable), list(non_trainable), list(optimizer_values), metrics_values)

    def test_step(self, state: tuple, data: Any) -> tuple[dict, tuple]:
        """Loss and metrics of one batch: ``(trainable, non_trainable, metrics) -> (logs, new state)``."""
        trainable, non_trainable, metrics_values = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        _, (unscaled, y_pred, non_trainable, metrics_values) = self.compute_loss_and_updates(
            trainable, non_trainable, metrics_values, x, y, sample_weight, training=False)
        logs, metrics_values = self._update_metrics_variables(metrics_values, unscaled, x, y, y_pred,
                                                              sample_weight)
        return logs, (trainable, non_trainable, metrics_values)

    def predict_step(self, state: tuple, data: Any) -> tuple[Any, list]:
        """Outputs of one batch: ``(trainable, non_trainable) -> (outputs, non_trainable)``."""
        trainable, non_trainable = state
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.stateless_call(trainable, non_trainable, x, training=False)
