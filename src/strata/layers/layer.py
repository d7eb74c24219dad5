"""``Layer``: the unit of computation, with Keras's contract.

A layer creates its variables in ``build(input_shape)`` (or ``__init__``), computes in
``call(inputs, training=None)``, and describes itself with ``get_config``.  ``__call__`` builds the
layer on first use, resolves the ``training`` flag (explicit argument, else the value of the
enclosing call, else the signature default), and either computes on arrays or, on symbolic
``KerasTensor`` inputs, infers output shapes and records a graph node.

The same ``call`` runs eagerly, inside ``jax.jit`` tracing and under ``jax.eval_shape``: layers never
know which.  The state bridge (:mod:`strata.core.bridge`) feeds variables from a mapping.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
from collections.abc import Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata.core import batch_rows, host_side, masking, naming
from strata.core.keras_tensor import KerasTensor
from strata.core.node import Node, first_call_tensors, flatten_keras_tensors
from strata.core.variable import Variable, set_autocast_dtype
from strata.layers import layer_config, tracking
from strata.layers.layer_dtype import DtypePolicyMixin
from strata.layers.layer_stateless import StatelessCallMixin
from strata.layers.layer_variables import LayerVariablesMixin
from strata.layers.shape_inference import infer_output_spec, shape_of
from strata.mixed_precision import policies as dtype_policies

_training: contextvars.ContextVar[Any] = contextvars.ContextVar("strata_training", default=None)
_loss_sink: contextvars.ContextVar[list | None] = contextvars.ContextVar("strata_losses", default=None)
# The layer whose __call__ is outermost right now (None between calls): it starts with no losses.
_entry_layer: contextvars.ContextVar[Any] = contextvars.ContextVar("strata_entry_layer", default=None)

_LEGACY_SHAPE_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")


@contextlib.contextmanager
def collect_losses() -> Iterator[list]:
    """Collect ``add_loss`` values (activity regularizers included) made inside the block."""
    sink: list = []
    token = _loss_sink.set(sink)
    try:
        yield sink
    finally:
        _loss_sink.reset(token)


def _call_signature(cls: type) -> tuple[bool, Any, bool]:
    """``(takes training, training's default, takes mask)`` of ``cls.call`` (cached per class)."""
    cached = cls.__dict__.get("_strata_call_sig")
    if cached is not None:
        return cached
    parameters = inspect.signature(cls.call).parameters
    default = parameters["training"].default if "training" in parameters else None
    if default is inspect.Parameter.empty:
        default = None
    result = ("training" in parameters, default, "mask" in parameters)
    setattr(cls, "_strata_call_sig", result)
    return result


def _marks_built(build: Any) -> Any:
    """``build`` that leaves the layer built, also when user code calls ``layer.build(shape)`` itself
    (as Keras does), so a later call does not create the weights a second time."""
    if getattr(build, "_strata_marks_built", False):
        return build

    @functools.wraps(build)
    def wrapper(self: "Layer", *args: Any, **kwargs: Any) -> Any:
        result = build(self, *args, **kwargs)
        self.built = True
        if self._build_shapes is None and args:
            self._build_shapes = args[0]
        return result

    wrapper._strata_marks_built = True
    return wrapper


def _warn_mask_dropped(layer: "Layer") -> None:
    import warnings

    warnings.warn(
        f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with a mask attached "
        "to it, but it does not support masking, so the mask stops here: downstream layers will not see "
        "it. Put the layers that need the mask (recurrent layers, GlobalAveragePooling1D) before this one, "
        "or set `supports_masking = True` on a custom layer that keeps the time axis.",
        stacklevel=3,
    )


class Layer(LayerVariablesMixin, DtypePolicyMixin, StatelessCallMixin):
    """Base class of all layers (``keras.layers.Layer``).

    Args:
        activity_regularizer: a regularizer applied to the layer's output; its value (divided by
            the batch size) is added to the model's loss.
        trainable: whether the layer's variables are updated by training.
        dtype: the layer's dtype (default ``floatx()``).
        name: the layer's name; by default the snake-cased class name, made unique.
    """

    def __init__(self, *, activity_regularizer: Any = None, trainable: bool = True,
                 dtype: Any = None, autocast: bool = True, name: str | None = None,
                 **kwargs: Any) -> None:
        unknown = {k: v for k, v in kwargs.items() if k not in _LEGACY_SHAPE_KWARGS}
        if unknown:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {unknown}. "
                "Check the spelling against the layer's documented arguments."
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be a string. Received: name={name!r}")
        object.__setattr__(self, "_tracking", True)
        self._layers: list[Layer] = []
        self._trainable_variables: list[Variable] = []
        self._non_trainable_variables: list[Variable] = []
        self._losses: list[Any] = []
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self._dtype_policy = dtype_policies.get(dtype)  # mixed precision: strata.mixed_precision
        self._dtype = self._dtype_policy.variable_dtype
        self.autocast = autocast
        self.built = False
        self._trainable = bool(trainable)
        from strata import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        # Keras: a layer that defines its own ``compute_mask`` supports masking by default.
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._build_shapes: Any = None
        self._batch_input_shape = self._legacy_input_shape(kwargs)

    @staticmethod
    def _legacy_input_shape(kwargs: dict) -> tuple | None:
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        shape = kwargs.get("input_shape")
        if shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs["input_dim"],)
        if shape is None:
            return None
        if isinstance(shape, int):
            shape = (shape,)
        return (kwargs.get("batch_size"),) + tuple(shape)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not cls.__module__.startswith("strata.models"):
            cls.build = _marks_built(build)

    host_side: bool = False  # True for string layers that run in NumPy before the compiled step
    # False for models built from layers (Functional, Sequential): as in Keras, each inner layer casts
    # its own inputs, so a float32 first layer under "mixed_float16" sees the float32 inputs.
    _convert_input_args: bool = True

    # -- attribute tracking ------------------------------------------------------------------------
    _engine_attributes: frozenset = frozenset()  # names never tracked (a model's training state)

    def __setattr__(self, name: str, value: Any) -> None:
        if (self.__dict__.get("_tracking") and name not in tracking.BOOKKEEPING and not name.startswith("_strata")
                and name not in self._engine_attributes):
            value = self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value: Any) -> Any:
        """Record a layer or variable ``value`` (or those it holds); return what to store.

        Lists and dicts that may hold layers come back as tracked containers, so later mutation
        is tracked too (see :mod:`strata.layers.tracking`).
        """
        return tracking.track(self, value)

    def _untrack(self, value: Any) -> None:
        tracking.untrack(self, value)

    # -- losses ------------------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a loss term (a scalar) computed inside ``call``; it is added to the model's loss."""
        sink = _loss_sink.get()
        if sink is not None:
            sink.append(loss)
        else:
            self._losses.append(loss)

    @property
    def losses(self) -> list[Any]:
        """Losses added in the last eager call, plus the weight regularization penalties."""
        result = list(self._losses)
        for layer in self._flat_layers():
            result.extend(layer._losses)
        for variable in self.weights:
            if variable.regularizer is not None:
                result.append(variable.regularizer(variable.value))
        return result

    def _clear_losses(self) -> None:
        self._losses = []
        for layer in self._flat_layers():
            layer._losses = []

    # -- building ----------------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the layer's variables for inputs of ``input_shape`` (override in subclasses)."""
        self.built = True

    def _maybe_build(self, shapes: Any) -> None:
        if self.built:
            return
        with naming.name_scope(self.name, owner=self):
            self.build(shapes)
        self._build_shapes = shapes
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape for ``input_shape``; by default inferred by tracing ``call``."""
        raise NotImplementedError

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """Output KerasTensors for symbolic inputs (shape inference without computing)."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = shape_of(args[0])
            out = self.compute_output_shape(shapes)
            return jax.tree_util.tree_map(
                lambda s: KerasTensor(s, dtype=self.compute_dtype),
                out, is_leaf=lambda s: isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s))
        return infer_output_spec(self, args, kwargs)

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        """The mask of the outputs for ``inputs`` carrying ``previous_mask``: by default, the same."""
        return previous_mask

    def _set_mask_metadata(self, inputs: Any, outputs: Any, previous_mask: Any) -> None:
        flat_outputs = jax.tree_util.tree_leaves(outputs)
        if all(masking.get_keras_mask(x) is not None for x in flat_outputs):
            return  # the layer set its outputs' masks itself
        output_masks = self.compute_mask(inputs, previous_mask)
        if output_masks is None:
            return
        flat_masks = output_masks if isinstance(output_masks, (list, tuple)) else [output_masks]
        for tensor, mask in zip(flat_outputs, flat_masks):
            if mask is not None and masking.get_keras_mask(tensor) is None:
                masking.set_keras_mask(tensor, mask)

    # -- calling -----------------------------------------------------------------------------------
    @property
    def input(self) -> Any:
        """The input tensor(s) of the layer's first call on symbolic tensors."""
        return first_call_tensors(self, "input_tensors", "input")

    @property
    def output(self) -> Any:
        """The output tensor(s) of the layer's first call on symbolic tensors."""
        return first_call_tensors(self, "output_tensors", "output")

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return inputs

    def _convert_input(self, x: Any) -> Any:
        if isinstance(x, Variable):
            x = x.value
        if isinstance(x, (np.ndarray, list, float, int, np.generic)) or hasattr(x, "__array__") and not isinstance(x, jax.Array):
            x = jnp.asarray(x)
        if isinstance(x, jax.Array) or isinstance(x, jax.core.Tracer):
            if (self.autocast and self._convert_input_args and jnp.issubdtype(x.dtype, jnp.floating)
                    and x.dtype != self.compute_dtype):
                x = x.astype(self.compute_dtype)
        return x

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        symbolic = bool(flatten_keras_tensors((args, kwargs)))
        if not symbolic and self.host_side and host_side.host_stage_active():
            return args[0]  # fit/evaluate/predict already ran this string layer on the host
        has_training, default, has_mask = _call_signature(type(self))
        previous_mask = None
        if not symbolic:
            # Masks ride on the tensors (see strata.core.masking): read them before conversion.
            previous_mask = kwargs.get("mask")
            if previous_mask is None and args:
                previous_mask = masking.masks_of(args[0])
                if has_mask and masking.any_mask(previous_mask):
                    kwargs["mask"] = previous_mask
            args = tuple(jax.tree_util.tree_map(self._convert_input, a) if not isinstance(a, (str, type(None))) else a
                         for a in args)
        if args:
            self._maybe_build(shape_of(args[0]))
        else:
            self._maybe_build(None)
        training = kwargs.get("training")
        if training is None:
            training = _training.get()
        if training is None:
            training = default
        if has_training:
            kwargs["training"] = training
        elif "training" in kwargs:
            kwargs.pop("training")
        token = _training.set(training)
        entry = None
        target = self._autocast_target()
        autocast_token = None if target is ... else set_autocast_dtype(target)
        if not symbolic and _entry_layer.get() is None:
            entry = _entry_layer.set(self)
            self._clear_losses()  # `losses` holds what the latest outermost call added, as in Keras
        try:
            if symbolic:
                outputs = self.compute_output_spec(*args, **kwargs)
                Node(self, args, {k: v for k, v in kwargs.items() if k != "training"}, outputs)
                return outputs
            outputs = self.call(*args, **kwargs)
            if self.supports_masking:
                self._set_mask_metadata(args[0] if args else None, outputs, previous_mask)
            elif masking.any_mask(previous_mask):
                _warn_mask_dropped(self)
        finally:
            _training.reset(token)
            if autocast_token is not None:
                autocast_token.var.reset(autocast_token)
            if entry is not None:
                _entry_layer.reset(entry)
        if self.activity_regularizer is not None:
            for output in jax.tree_util.tree_leaves(outputs):
                rows = batch_rows.row_mask(output)
                if rows is None:
                    batch = jnp.asarray(output.shape[0] if output.ndim else 1, output.dtype)
                else:  # a padded batch: the penalty of its real rows, averaged over them
                    output = output * rows.astype(output.dtype)
                    batch = jnp.sum(rows).astype(output.dtype)
                self.add_loss(self.activity_regularizer(output) / batch)
        return outputs

    # -- config ------------------------------------------------------------------------------------
    # Constructor arguments kept as attributes of the same name, in Keras's config order: the
    # shared mechanism of :mod:`strata.layers.layer_config` writes and reads them.
    _config_args: tuple[str, ...] = ()

    def store_arguments(self, **arguments: Any) -> None:
        """Keep constructor arguments as attributes, resolving initializers, regularizers,
        constraints and activations by their names (see :mod:`strata.layers.layer_config`)."""
        for name, value in arguments.items():
            setattr(self, name, layer_config.resolve_argument(name, value))

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-serializable dict (Keras's keys)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policies.serialize(self.dtype_policy)}
        if self.activity_regularizer is not None:
            from strata import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        for name in self._config_args:
            config[name] = layer_config.serialize_argument(name, getattr(self, name))
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Layer":
        """Create a layer from the output of ``get_config``."""
        return cls(**layer_config.deserialize_arguments(config, custom_objects))

    def get_build_config(self) -> dict | None:
        if self._build_shapes is None:
            return None
        return {"input_shape": self._build_shapes}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
