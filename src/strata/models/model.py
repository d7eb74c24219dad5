"""``Model``: a layer that can be compiled and trained (``keras.Model``).

``Model(inputs, outputs)`` returns a :class:`~strata.models.functional.Functional` model; subclasses
of ``Model`` define their own ``call``.  Training methods come from
:class:`~strata.training.trainer.Trainer`.
"""

from __future__ import annotations

from typing import Any

from strata.core import naming
from strata.layers.layer import Layer
from strata.training.trainer import Trainer


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def _bound_arguments(cls: type, args: tuple, kwargs: dict) -> dict | None:
    """The constructor arguments by name, or ``None`` if any is not a plain JSON value."""
    import inspect

    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except TypeError:
        return None
    arguments = {}
    for name, value in list(bound.arguments.items())[1:]:
        kind = inspect.signature(cls.__init__).parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL:
            arguments[name] = value
    arguments.pop("name", None)
    arguments.pop("trainable", None)
    return arguments if _is_plain(arguments) else None


_FUNCTIONAL_KEYS = ("name", "layers", "input_layers", "output_layers")


def _revivable_as_functional(cls: type) -> bool:
    """Keras's rule: ``Model``/``Functional``, or a Functional subclass with a functional-like constructor."""
    import inspect

    from strata.models.functional import Functional

    if cls in (Model, Functional):
        return True
    if not issubclass(cls, Functional):
        # ``CustomModel(inputs, outputs)`` made a functional model of a plain subclass (Keras makes the
        # class a Functional subclass): its config revives the same way when the constructor passes
        # its arguments on.
        spec = inspect.getfullargspec(cls.__init__)
        return cls.__init__ is Model.__init__ or (spec.varargs is not None and spec.varkw is not None)
    spec = inspect.getfullargspec(cls.__init__)
    if spec.varargs is not None and spec.varkw is not None:
        return True
    return spec.args[1:] == inspect.getfullargspec(Functional.__init__).args[1:]


_FUNCTIONAL_VARIANTS: dict[type, type] = {}


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Whether a constructor call passes ``inputs`` and ``outputs`` (Keras's functional-init test)."""
    from strata.core.keras_tensor import KerasTensor

    inputs = args[0] if args else kwargs.get("inputs")
    has_outputs = len(args) >= 2 or "outputs" in kwargs
    leaves = inputs if isinstance(inputs, (list, tuple)) else (
        list(inputs.values()) if isinstance(inputs, dict) else [inputs])
    return has_outputs and bool(leaves) and all(isinstance(leaf, KerasTensor) for leaf in leaves)


def _functional_variant(cls: type) -> type:
    """``cls`` with ``Functional`` mixed in after it, so ``CustomModel(inputs, outputs)`` builds a graph
    while keeping ``CustomModel``'s overrides (Keras swaps the class's base instead)."""
    from strata.models.functional import Functional

    if cls not in _FUNCTIONAL_VARIANTS:
        _FUNCTIONAL_VARIANTS[cls] = type(cls.__name__, (cls, Functional),
                                         {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                          "__doc__": cls.__doc__})
    return _FUNCTIONAL_VARIANTS[cls]


class Model(Trainer, Layer):
    """A trainable layer graph. See ``Sequential`` and the functional API for ways to build one.

    ``Model(inputs, outputs)`` gives a functional model; so does a subclass called that way
    (``CustomModel(inputs, outputs)``), which keeps its own methods such as ``train_step``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        from strata.models.functional import Functional

        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            return Functional.__new__(Functional)
        if not issubclass(cls, Functional) and _functional_arguments(args, kwargs):
            cls = _functional_variant(cls)
        instance = super().__new__(cls)
        object.__setattr__(instance, "_init_arguments", _bound_arguments(cls, args, kwargs))
        return instance

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(
                f"Model.__init__ received unexpected arguments {list(kwargs) or args}. Use "
                "`Model(inputs=..., outputs=...)` for a functional model, or subclass `Model`."
            )
        Layer.__init__(self, name=name or naming.auto_name(naming.to_snake_case(type(self).__name__)),
                       trainable=trainable, dtype=dtype)
        Trainer.__init__(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from strata.core import host_side
        from strata.core.node import flatten_keras_tensors
        from strata.training import host_stage

        if (args and not host_side.host_stage_active() and not flatten_keras_tensors((args, kwargs))
                and host_stage.has_host_stage(self)):
            # Raw text for a model that starts with string layers: they run on the host first.
            inputs = host_stage.transform(self, args[0])
            with host_side.host_stage_applied():
                return super().__call__(inputs, *args[1:], **kwargs)
        return super().__call__(*args, **kwargs)

    @property
    def layers(self) -> list[Layer]:
        """The model's layers."""
        return list(self._layers)

    def build(self, input_shape: Any = None) -> None:
        """Create every weight by tracing ``call`` on abstract inputs of ``input_shape``.

        Used for subclassed models (``Sequential`` and functional models build themselves).
        ``None`` dimensions are traced with size 1; nothing is computed.
        """
        import jax

        from strata.core.scope import StatelessScope
        from strata.layers.layer import collect_losses

        self.built = True
        if input_shape is None:
            return
        is_shape = lambda s: isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s)  # noqa: E731
        spec = jax.tree_util.tree_map(
            lambda s: jax.ShapeDtypeStruct(tuple(1 if d is None else int(d) for d in s), self.compute_dtype),
            input_shape, is_leaf=is_shape)

        def run(inputs: Any) -> Any:
            with StatelessScope(), collect_losses():
                return self.call(inputs)

        jax.eval_shape(run, spec)
        self._build_shapes = input_shape

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Find a layer by ``name`` or by position ``index`` in ``layers``."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only one of `name` or `index` to get_layer. Received: name={name!r}, index={index}"
            )
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer `name` or an `index` to get_layer.")

    # -- saving (implemented in strata.saving) -------------------------------------------------------
    def save(self, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any) -> None:
        """Save the whole model: ``.keras`` (Keras 3's zip) or legacy ``.h5``."""
        from strata import saving

        saving.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True, max_shard_size: Any = None) -> None:
        """Save the weights (and optimizer state) to a ``.weights.h5`` file in Keras's layout."""
        from strata import saving

        saving.save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Load weights from ``.weights.h5``, ``.keras`` or legacy ``.h5`` files."""
        from strata import saving

        self._sync_training_state()
        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture as JSON in Keras 3's schema (no weights)."""
        from strata import saving

        return saving.model_to_json(self, **kwargs)

    def get_config(self) -> dict:
        """For subclassed models: the constructor arguments, when they are plain JSON values.

        Override ``get_config`` (and ``from_config``) in your subclass when ``__init__`` takes
        arguments that are not numbers, strings, booleans, lists or dicts of them.
        """
        arguments = getattr(self, "_init_arguments", None)
        if arguments is None:
            raise NotImplementedError(
                f"Model '{self.name}' of class {type(self).__name__} cannot be serialized automatically: "
                "its constructor received arguments that are not plain JSON values. Implement "
                "`get_config()` returning the constructor arguments (and `from_config` if needed)."
            )
        config = {"name": self.name, "trainable": self.trainable}
        config.update(arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        """Create a model from :meth:`get_config`'s output.

        As in Keras, a functional model's config (keys ``name``, ``layers``, ``input_layers`` and
        ``output_layers``) revives a functional model when ``cls`` is ``Model``, ``Functional``, or a
        ``Functional`` subclass whose constructor takes the same arguments (or ``*args, **kwargs``).
        Any other config is passed to the constructor of ``cls``.
        """
        import inspect

        from strata.models.functional import Functional

        if all(key in config for key in _FUNCTIONAL_KEYS) and _revivable_as_functional(cls):
            from strata.models.functional_config import functional_from_config

            return functional_from_config(cls, config, custom_objects=custom_objects)
        if cls in (Model, Functional) and (cls is Functional or set(config) - {"name", "trainable", "dtype"}):
            missing = [key for key in _FUNCTIONAL_KEYS if key not in config]
            hint = ("It looks like a Sequential model's config: use `strata.Sequential.from_config(config)`."
                    if "layers" in config and "input_layers" not in config else
                    "For a subclassed model, call `from_config` on its own class.")
            raise ValueError(
                f"{cls.__name__}.from_config can only revive a functional model, whose config has the keys "
                f"{list(_FUNCTIONAL_KEYS)}. Received a config with keys {sorted(config)} (missing {missing}). "
                + hint
            )
        parameters = inspect.signature(cls.__init__).parameters
        takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        accepted = {k: v for k, v in config.items() if takes_kwargs or k in parameters}
        return cls(**accepted)

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None,
                expand_nested: bool = False, show_trainable: bool = False,
                layer_range: Any = None) -> None:
        """Print a table of the layers, their output shapes and parameter counts (Keras's layout)."""
        from strata.models.summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)
