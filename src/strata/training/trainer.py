"""``Trainer``: ``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods.

The methods check and convert the user's data (``data_adapter``, ``checks``), fetch the compiled
programs for this architecture (``programs``), and hand the epochs to ``fit_loop``.  Model
variables are read into one state pytree at the start and written back at epoch ends, when a
callback reads the model, and at the end (never per step).
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata.core import bridge
from strata.core import random as strata_random
from strata.training import checks, custom_steps, data_adapter, fit_loop, host_stage, stream_loop, streaming
from strata.training.compile_loss import CompileLoss
from strata.training.compile_metrics import CompileMetrics
from strata.training.programs import get_programs, seed_generators
from strata.training.step_api import StepAPI


class Trainer(StepAPI):
    """Training methods shared by every ``Model``.

    A subclass that overrides ``train_step``, ``test_step``, ``predict_step``, ``compute_loss`` or
    ``compute_metrics`` (Keras's JAX signatures, :mod:`strata.training.step_api`) has its own steps run
    inside the compiled programs of :mod:`strata.training.custom_steps`.
    """

    # Engine state set on the model (some of it every step): never searched for layers to track.
    _engine_attributes = frozenset({"_compile_config", "_compile_loss", "_compile_metrics", "_pending_state",
                                    "_train_steps", "_compiled_trainable_state", "_fit_run", "_resume_from",
                                    "_restored_epoch", "compiled", "optimizer", "history", "stop_training"})

    def __init__(self) -> None:
        self.compiled = False
        self.optimizer = None
        self.history = None
        self.stop_training = False
        self._compile_config: dict | None = None
        self._compile_loss: CompileLoss | None = None
        self._compile_metrics: CompileMetrics | None = None
        self._pending_state: dict | None = None
        self._train_steps = 0

    # -- compile -----------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None, weighted_metrics: Any = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: Any = "auto",
                auto_scale_loss: bool = True) -> None:
        """Configure the model for training (Keras's ``compile``; default optimizer ``rmsprop``)."""
        from strata import optimizers

        self._sync_training_state()
        self.optimizer = optimizers.get(optimizer)
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16" and self.optimizer is not None \
                and not isinstance(self.optimizer, optimizers.LossScaleOptimizer):  # as Keras (issue 16 §3)
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
            self.optimizer._strata_auto_wrapped = True  # the compile config names the inner one, as Keras
        self.loss = loss
        self._compile_config = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
                                "metrics": metrics, "weighted_metrics": weighted_metrics,
                                "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
                                "jit_compile": jit_compile}
        self.run_eagerly = bool(run_eagerly)
        self._compile_loss = None
        self._compile_metrics = None
        self._compiled_trainable_state = self._trainable_state() if self.built else None
        self.compiled = True

    def _trainable_state(self) -> dict[int, bool]:
        return {id(layer): layer.trainable for layer in [self] + self._flat_layers()}

    def _warn_if_trainable_state_changed(self) -> None:
        """Warn when ``trainable`` flags changed after the optimizer captured the variables.

        The optimizer fixes the trainable set when it is built (the first ``fit`` after a
        ``compile``), as Keras 3 does: freezing between ``compile()`` and the first ``fit()`` takes
        effect silently; freezing later needs a new ``compile()``, and until then this warns.
        """
        optimizer = self.optimizer
        if self._compiled_trainable_state is None or optimizer is None or not optimizer.built:
            self._compiled_trainable_state = self._trainable_state()
            return
        current = self._trainable_state()
        if current != self._compiled_trainable_state:
            names = [layer.name for layer in [self] + self._flat_layers()
                     if current[id(layer)] != self._compiled_trainable_state.get(id(layer))]
            warnings.warn(
                "A layer's `trainable` state has changed since the model was compiled. This can result "
                "in unexpected behavior, as the compiled optimizer and loss functions may not track the "
                "correct variables. Please recompile your model (e.g. `model.compile(...)`) before "
                f"calling `fit()` or `evaluate()` so the change takes effect. Changed layers: {names}",
                stacklevel=3,
            )
            self._compiled_trainable_state = current

    def _structure_during_fit(self) -> tuple[tuple[list, list], list]:
        """``(variable split, seed generators)``, worked out once per ``fit`` (they cannot change
        while it runs); per-batch callbacks read and write the state every step."""
        run = getattr(self, "_fit_run", None)
        cached = getattr(run, "structure", None)
        if cached is None:
            cached = (self._variable_split(), seed_generators(self))
            if run is not None:
                run.structure = cached
        return cached

    def _variable_split(self) -> tuple[list, list]:
        """``(trainable, non_trainable)`` variables as the optimizer captured them at its build.

        Freezing a layer takes effect at the next ``compile()`` (which makes a fresh optimizer), as in
        tf.keras; before the optimizer is built, the current ``trainable`` flags decide.
        """
        optimizer = self.optimizer
        if optimizer is None or not optimizer.built:
            return self.trainable_variables, self.non_trainable_variables
        trainable = list(optimizer._trainable_variables)
        ids = {id(v) for v in trainable}
        return trainable, [v for v in self.variables if id(v) not in ids]

    def _assert_compiled(self, method: str) -> None:
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before using the model with `{method}()`, e.g. "
                "`model.compile(optimizer='adam', loss='mse')`."
            )

    @property
    def metrics_names(self) -> list[str]:
        if type(self).metrics is not StepAPI.metrics:  # a subclass lists its own metrics
            return [m.name for m in self.metrics]
        return ["loss", "compile_metrics"] if self._compile_metrics and self._compile_metrics.entries else ["loss"]

    # -- preparation -------------------------------------------------------------------------------
    def _input_dtypes(self) -> list[str]:
        return [dtype for _, dtype in host_stage.input_specs(self)]

    def _prepare_x(self, x: Any) -> Any:
        host_stage.check_placement(self)
        if x is not None:
            x = host_stage.transform(self, x)  # string layers at the inputs run here, on the host
        x = data_adapter.to_structure(x, "x", data_adapter.input_keys(self), "input")
        if x is None:
            raise ValueError("`x` is required. Pass the input data, e.g. `model.fit(x, y)`.")
        data_adapter.check_finite(x, "x")
        x = data_adapter.cast_inputs(x, self._input_dtypes())
        host_stage.check_inputs(self, data_adapter.leaves(x))
        return x

    def _build_from(self, x: Any, batch_size: int) -> None:
        if self.built:
            return
        rows = min(batch_size, data_adapter.leaves(x)[0].shape[0])
        shapes = jax.tree_util.tree_map(lambda a: (rows,) + tuple(a.shape[1:]), x)
        self.build(shapes)

    def _output_shapes(self, x: Any) -> list[tuple]:
        rows = fit_loop.static_batch_size(self) or 2
        sample = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct((rows,) + a.shape[1:], a.dtype), x)
        tv = [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in self.trainable_variables]
        ntv = [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in self.non_trainable_variables]
        out = jax.eval_shape(lambda t, n, inputs: bridge.stateless_call(self, t, n, inputs)[0], tv, ntv, sample)
        return [(None,) + tuple(o.shape[1:]) for o in jax.tree_util.tree_leaves(out)]

    def _output_names(self, count: int) -> list[str]:
        names = list(getattr(self, "output_names", []) or [])
        # Subclassed models have no output layers: name outputs as tf.keras 2 did (output_1, ...).
        return names if len(names) == count else [f"output_{i + 1}" for i in range(count)]

    def _prepare(self, x: Any, y: Any, batch_size: int) -> Any:
        """Build the model and the compiled loss/metrics, run the pre-flight checks."""
        self._build_from(x, batch_size)
        self._warn_if_trainable_state_changed()
        checks.check_input_features(self, data_adapter.leaves(x))
        out_shapes = self._output_shapes(x)
        names = self._output_names(len(out_shapes))
        if self._compile_loss is None or self._compile_metrics is None or self._compile_loss.output_names != names:
            self._compile_loss = CompileLoss(self._compile_config["loss"], self._compile_config["loss_weights"], names)
            self._compile_metrics = CompileMetrics(self._compile_config["metrics"],
                                                   self._compile_config["weighted_metrics"], names)
        y_leaves = data_adapter.leaves(y) if y is not None else []
        if y is not None:
            if len(y_leaves) != len(out_shapes):
                raise ValueError(
                    f"The model has {len(out_shapes)} output(s) {names}, but `y` holds {len(y_leaves)} "
                    "target array(s). Pass one target array per output."
                )
            checks.check_labels(self._compile_loss.identifiers, y_leaves, out_shapes)
            if (all(obj is None for obj in self._compile_loss.objects) and not self.losses
                    and not custom_steps.overrides(self, "train")):
                raise ValueError(
                    "No loss to compute. Provide a `loss` argument in `compile()`, e.g. "
                    "`model.compile(optimizer='adam', loss='mse')`."
                )
            self._compile_metrics.build([(None,) + tuple(a.shape[1:]) for a in y_leaves], out_shapes)
        if not self.optimizer.built:
            self.optimizer.build(self.trainable_variables)
        if custom_steps.overrides(self, "train") or custom_steps.overrides(self, "test"):
            return self._custom_programs(x, y)
        return get_programs(self, self._compile_loss, self._compile_metrics, self.optimizer)

    def _custom_programs(self, x: Any, y: Any) -> Any:
        """The programs running this model's own steps (kept while the compile setup is unchanged)."""
        key = (id(self.optimizer), id(self._compile_loss), id(self._compile_metrics))
        cached = self.__dict__.get("_strata_custom_programs")
        spec = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(np.shape(a), a.dtype), (x, y, None))
        if cached is None or cached[0] != key:
            cached = (key, custom_steps.CustomPrograms(self, spec))
            object.__setattr__(self, "_strata_custom_programs", cached)
        cached[1].data_spec = spec
        cached[1]._templates.clear()
        return cached[1]

    # -- state -------------------------------------------------------------------------------------
    def _read_state(self, programs: Any, accumulators: dict | None = None) -> dict:
        """The training state from the variables; metric ``accumulators`` carried over, or fresh."""
        if accumulators is None:
            trackers, metrics = programs.fresh_accumulators()
        else:
            trackers, metrics = accumulators["trackers"], accumulators["metrics"]
        (trainable, non_trainable), generators = self._structure_during_fit()
        state = {"trainable": bridge.values_of(trainable),
                 "non_trainable": bridge.values_of(non_trainable),
                 "optimizer": bridge.values_of(self.optimizer.variables),
                 "metrics": metrics, "trackers": trackers,
                 "step": np.asarray(self._train_steps, np.int32),
                 "seeds": np.asarray([g.seed for g in generators], np.int32)}
        return bridge.place_state(_unalias(state), {"trainable": trainable, "non_trainable": non_trainable,
                                                    "optimizer": self.optimizer.variables})

    def _sync_training_state(self) -> None:
        """Write the latest training state back into the variables (Keras's state sync)."""
        state = self._pending_state
        if state is None:
            return
        self._pending_state = None
        (trainable, non_trainable), _ = self._structure_during_fit()
        bridge.assign_values(trainable, state["trainable"])
        bridge.assign_values(non_trainable, state["non_trainable"])
        bridge.assign_values(self.optimizer.variables, state["optimizer"])
        self._train_steps = int(state["step"])
        if isinstance(getattr(getattr(self, "_fit_run", None), "programs", None), custom_steps.CustomPrograms):
            bridge.assign_values(self.metrics_variables, state["metrics"])  # Keras syncs metric state too

    def _params(self, split: tuple[list, list] | None = None) -> dict:
        trainable, non_trainable = split or (self.trainable_variables, self.non_trainable_variables)
        params = {"trainable": bridge.values_of(trainable),
                  "non_trainable": bridge.values_of(non_trainable),
                  "step": np.asarray(self._train_steps, np.int32),
                  "seeds": np.asarray([g.seed for g in seed_generators(self)], np.int32)}
        return bridge.place_state(params, {"trainable": trainable, "non_trainable": non_trainable})

    # -- fit ---------------------------------------------------------------------------------------
    @host_stage.on_host_processed_inputs
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Any = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: Any = 1) -> Any:
        """Train the model for ``epochs`` epochs (Keras semantics; returns a ``History``)."""
        self._assert_compiled("fit")
        batch_size = _check_batch_size(batch_size)
        bridge.check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else verbose
        if streaming.is_streamed(x):
            return stream_loop.fit_streamed(
                self, x, y=y, sample_weight=sample_weight, shuffle=shuffle, validation_split=validation_split,
                class_weight=class_weight, steps_per_epoch=steps_per_epoch,
                validation=self._validation_data(validation_data, validation_steps),
                val_batch_size=validation_batch_size or batch_size, epochs=epochs, initial_epoch=initial_epoch,
                verbose=verbose, callbacks=callbacks, validation_freq=validation_freq)
        x = self._prepare_x(x)
        y = data_adapter.cast_targets(data_adapter.to_structure(y, "y", data_adapter.output_keys(self)))
        sample_weight = None if sample_weight is None else data_adapter.to_numpy(sample_weight, "sample_weight")
        if y is None and not custom_steps.overrides(self, "train"):
            raise ValueError("`y` is required for training. Pass targets, e.g. `model.fit(x, y)`.")
        if y is not None:
            data_adapter.check_finite(y, "y")
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "You cannot pass both `class_weight` and `sample_weight` at the same time. "
                    "Fold the class weights into `sample_weight` instead."
                )
            sample_weight = data_adapter.class_weight_to_sample_weight(y, class_weight)
        data_adapter.num_samples(x, y, sample_weight)
        val = None
        if validation_data is not None:
            val = self._validation_data(validation_data, validation_steps)
        elif validation_split:
            (x, y, sample_weight), val = data_adapter.train_validation_split((x, y, sample_weight), validation_split)
        programs = self._prepare(x, y, batch_size)
        total = data_adapter.num_samples(x, y, sample_weight)
        steps = -(-total // batch_size)
        if steps_per_epoch is not None:
            steps = min(steps, int(steps_per_epoch))
        data = bridge.put_data((x, y, None if sample_weight is None else sample_weight.astype(np.float32)),
                               split=False)
        val_device = val
        if isinstance(val, tuple):
            val_device = bridge.put_data((val[0], val[1], None if val[2] is None else val[2].astype(np.float32)),
                                         split=False)
        if isinstance(programs, custom_steps.CustomPrograms):
            programs.val_spec = val_device if isinstance(val_device, tuple) else None
        self.stop_training = False
        run = fit_loop.FitRun(
            model=self, programs=programs, data=data, val_data=val_device, batch_size=batch_size,
            val_batch_size=validation_batch_size or batch_size, epochs=epochs,
            initial_epoch=initial_epoch, steps=steps, shuffle=bool(shuffle), verbose=verbose,
            callbacks=callbacks, validation_freq=validation_freq,
            shuffle_seed=strata_random.next_seed())
        return run.run()

    def _validation_data(self, validation_data: Any, validation_steps: int | None) -> Any:
        """Validation arrays ``(x, y, sample_weight)``, or a stream of validation batches."""
        if validation_data is None:
            return None
        if streaming.is_streamed(validation_data):
            source = streaming.StreamSource(validation_data, validation_steps)
            return stream_loop.StreamValidation(source, streaming.BatchPreparer(
                self._input_dtypes(), 0, transform=host_stage.transformer(self)))
        vx, vy, vsw = data_adapter.unpack_validation_data(validation_data)
        vx = self._prepare_x(vx)
        vy = data_adapter.cast_targets(
            data_adapter.to_structure(vy, "validation_data y", data_adapter.output_keys(self)))
        vsw = None if vsw is None else data_adapter.to_numpy(vsw, "validation sample_weight")
        data_adapter.num_samples(vx, vy, vsw)
        return (vx, vy, vsw)

    # -- evaluate ----------------------------------------------------------------------------------
    @host_stage.on_host_processed_inputs
    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: Any = None,
                 return_dict: bool = False, **kwargs: Any) -> Any:
        """Loss and metrics on ``x, y`` (scalar, list or dict as Keras returns them)."""
        self._assert_compiled("evaluate")
        self._sync_training_state()
        batch_size = _check_batch_size(batch_size)
        bridge.check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else verbose
        if streaming.is_streamed(x):
            logs = stream_loop.evaluate_streamed(self, x, y, sample_weight, steps, callbacks, verbose)
            return self._format_logs(logs, return_dict)
        x = self._prepare_x(x)
        y = data_adapter.cast_targets(data_adapter.to_structure(y, "y", data_adapter.output_keys(self)))
        if y is None and not custom_steps.overrides(self, "test"):
            raise ValueError("`y` is required to evaluate the model: pass the true targets.")
        sample_weight = None if sample_weight is None else data_adapter.to_numpy(sample_weight, "sample_weight")
        data_adapter.num_samples(x, y, sample_weight)
        programs = self._prepare(x, y, batch_size)
        data = bridge.put_data((x, y, None if sample_weight is None else sample_weight.astype(np.float32)),
                               split=False)
        logs = fit_loop.run_evaluation(self, programs, data, batch_size, callbacks=callbacks,
                                       verbose=verbose)
        return self._format_logs(logs, return_dict)

    def _format_logs(self, logs: dict, return_dict: bool) -> Any:
        if return_dict:
            return dict(sorted(logs.items()))
        if custom_steps.overrides(self, "train") or custom_steps.overrides(self, "test"):
            return self._flatten_metrics_in_order(logs)
        order = ["loss"]
        if self._compile_loss.multi_output:
            order += [f"{name}_loss" for name in self._compile_loss.output_names]
            if self._compile_metrics.broadcast:  # tf.keras 2 order: per output, metrics as listed
                order += [name for name in self._compile_metrics.names if name in logs]
            order += sorted(k for k in logs if k not in order)
        else:
            order += [name for name in self._compile_metrics.names if name in logs]
            order += sorted(k for k in logs if k not in order)
        values = [logs[k] for k in order]
        return values[0] if len(values) == 1 else values

    def _flatten_metrics_in_order(self, logs: dict) -> Any:
        """Keras's order for a custom step's logs: ``model.metrics`` names first, then the rest sorted."""
        names = []
        for metric in self.metrics:
            names.extend(getattr(metric, "names", None) or [metric.name])
        order = [name for name in dict.fromkeys(names) if name in logs]
        order += sorted(k for k in logs if k not in order)
        values = [logs[k] for k in order]
        return values[0] if len(values) == 1 else values

    # -- predict -----------------------------------------------------------------------------------
    @host_stage.on_host_processed_inputs
    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: Any = None) -> Any:
        """Outputs for ``x`` as NumPy arrays (computed in large internal chunks)."""
        self._sync_training_state()
        batch_size = _check_batch_size(batch_size)
        if streaming.is_streamed(x):
            return stream_loop.predict_streamed(self, x, steps, callbacks, 1 if verbose == "auto" else verbose)
        x = self._prepare_x(x)
        self._build_from(x, batch_size)
        checks.check_input_features(self, data_adapter.leaves(x))
        verbose = 1 if verbose == "auto" else verbose
        if custom_steps.overrides(self, "predict"):
            return custom_steps.predict(self, x, batch_size, self._params())
        return fit_loop.run_prediction(self, x, batch_size, callbacks=callbacks, verbose=verbose)

    # -- single batches ----------------------------------------------------------------------------
    @host_stage.on_host_processed_inputs
    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False) -> Any:
        """One training step on exactly this batch; returns its loss and metrics."""
        self._assert_compiled("train_on_batch")
        self._sync_training_state()
        x = self._prepare_x(x)
        y = data_adapter.cast_targets(data_adapter.to_structure(y, "y", data_adapter.output_keys(self)))
        if class_weight is not None:
            sample_weight = data_adapter.class_weight_to_sample_weight(y, class_weight)
        sample_weight = None if sample_weight is None else data_adapter.to_numpy(sample_weight, "sample_weight")
        total = data_adapter.num_samples(x, y, sample_weight)
        programs = self._prepare(x, y, total)
        data = bridge.put_data((x, y, None if sample_weight is None else sample_weight.astype(np.float32)),
                               split=False)
        state = self._read_state(programs)
        perm = jnp.arange(total, dtype=jnp.int32)
        state, logs = fit_loop.dispatch(self, programs.train_steps(total), state, data, perm, 0, 1)
        self._pending_state = state
        self._sync_training_state()
        return self._format_logs(fit_loop.to_floats(logs), return_dict)

    @host_stage.on_host_processed_inputs
    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Loss and metrics on exactly this batch."""
        self._assert_compiled("test_on_batch")
        self._sync_training_state()
        x = self._prepare_x(x)
        y = data_adapter.cast_targets(data_adapter.to_structure(y, "y", data_adapter.output_keys(self)))
        sample_weight = None if sample_weight is None else data_adapter.to_numpy(sample_weight, "sample_weight")
        total = data_adapter.num_samples(x, y, sample_weight)
        programs = self._prepare(x, y, total)
        data = bridge.put_data((x, y, None if sample_weight is None else sample_weight.astype(np.float32)),
                               split=False)
        logs = fit_loop.run_evaluation(self, programs, data, total, callbacks=None, verbose=0)
        return self._format_logs(logs, return_dict)

    @host_stage.on_host_processed_inputs
    def predict_on_batch(self, x: Any) -> Any:
        """Outputs for exactly this batch, as NumPy arrays."""
        return self.predict(x, batch_size=None, verbose=0)


def _check_batch_size(batch_size: Any) -> int:
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
    return int(batch_size)


def _unalias(state: dict) -> dict:
    """Copy arrays that appear twice, so the state can be donated."""
    seen: set[int] = set()

    def fresh(a: Any) -> Any:
        if id(a) in seen:
            return jnp.array(a, copy=True)
        seen.add(id(a))
        return a

    return jax.tree_util.tree_map(fresh, state)
