"""``Lambda``: wrap a Python function as a layer.

Configs follow Keras: a named (``def``) function is stored by name and found again through
``custom_objects`` (or among strata's activations); a Python ``lambda`` is stored as marshalled,
base64-encoded bytecode (``{"class_name": "__lambda__", ...}``).  Loading such bytecode would run
code taken from a file, so :meth:`Lambda.from_config` refuses unless called with
``safe_mode=False``.
"""

from __future__ import annotations

import base64
import inspect
import marshal
import types
from collections.abc import Callable
from typing import Any

import jax

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer, infer_output_spec


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int) for d in value)


def serialize_function(fn: Callable) -> dict:
    """A function as Keras writes it: lambdas as bytecode, named functions by name."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(cell.cell_contents for cell in fn.__closure__) if fn.__closure__ else None
        return {"class_name": "__lambda__",
                "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    from strata.saving import object_registration

    name = getattr(fn, "__name__", None)
    if callable(fn) and isinstance(name, str):
        return {"module": "builtins", "class_name": "function",
                "config": object_registration.get_registered_name(fn), "registered_name": "function"}
    raise ValueError(
        "A Lambda layer can only serialize a Python lambda or a named function. "
        f"Received: {fn!r} (of type {type(fn).__name__})"
    )


def _load_lambda(config: dict, custom_objects: dict | None) -> Callable:
    """Rebuild a function from marshalled bytecode (runs code from the config: unsafe)."""
    import jax.numpy as jnp
    import numpy as np

    import strata
    from strata import ops

    code = config["code"]
    if isinstance(code, (list, tuple)):  # tf.keras 2 stored (code, defaults, closure)
        code, defaults, closure = (list(code) + [None, None])[:3]
    else:
        defaults, closure = config.get("defaults"), config.get("closure")
    try:
        code_object = marshal.loads(base64.decodebytes(code.encode("ascii")))
    except (ValueError, EOFError, TypeError) as error:
        raise ValueError(
            "Could not load the bytecode of a Lambda function. Bytecode only loads in the Python "
            "version that wrote it; redefine the function with `def` and pass it in `custom_objects`."
        ) from error
    namespace = {"__builtins__": __builtins__, "np": np, "jnp": jnp, "jax": jax, "ops": ops,
                 "keras": strata, "strata": strata, **(custom_objects or {})}
    cells = tuple(types.CellType(value) for value in closure) if closure is not None else None
    return types.FunctionType(code_object, namespace, code_object.co_name,
                              tuple(defaults) if defaults is not None else None, cells)


def _find_function(name: str, custom_objects: dict | None) -> Callable:
    """A named function: scoped, registered or custom objects first, then strata's activations."""
    from strata import activations
    from strata.saving import object_registration

    found = object_registration.get_registered_object(name, custom_objects)
    if found is None:  # "Package>name" saved, but given as "name" (or the other way round)
        short = name.split(">")[-1]
        candidates = object_registration.all_custom_objects(custom_objects)
        found = candidates.get(short) or next(
            (obj for key, obj in candidates.items() if key.split(">")[-1] == short), None)
    if found is None:
        found = activations.ALL_OBJECTS_DICT.get(name)
    if found is not None:
        return found
    raise TypeError(
        f"Could not locate function '{name}' used by a Lambda layer. Pass it when loading, e.g. "
        f"`custom_objects={{'{name}': {name}}}`."
    )


class Lambda(Layer):
    """Wraps an arbitrary function as a layer (``keras.layers.Lambda``).

    Args:
        function: called as ``function(inputs, **arguments)``; if it accepts ``training`` or
            ``mask`` arguments they are passed too.  Use jax.numpy or ``strata.ops`` inside.
        output_shape: the output shape without the batch axis (a tuple), or a function from the
            input shape to the output shape; by default inferred by tracing ``function``.
        mask: an output mask, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments for ``function``.

    Lambda layers cannot hold weights; write a ``Layer`` subclass for that.

    Example:
        >>> import numpy as np
        >>> np.asarray(Lambda(lambda x: x * 2)(np.array([[1.0, 2.0]]))).tolist()
        [[2.0, 4.0]]
    """

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: dict | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"`function` must be callable. Received: function={function!r}")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(f"`arguments` must be a dict or None. Received: arguments={arguments!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = tuple(output_shape) if _is_shape(output_shape) else output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._fn_expects_training = "training" in parameters
        self._fn_expects_mask = "mask" in parameters

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask:
            kwargs["mask"] = mask
        if self._fn_expects_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    # -- shapes ------------------------------------------------------------------------------------
    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if self._output_shape is None:
            try:
                return infer_output_spec(self, args, kwargs)
            except Exception as error:  # the user's function failed on abstract inputs
                raise ValueError(
                    f"Could not infer the output shape of Lambda layer '{self.name}' by tracing its "
                    f"function: {error}. Pass `output_shape=` to the Lambda layer."
                ) from error
        shapes = jax.tree_util.tree_map(lambda t: t.shape, args[0],
                                        is_leaf=lambda t: isinstance(t, KerasTensor))
        return jax.tree_util.tree_map(lambda s: KerasTensor(s, dtype=self.compute_dtype),
                                      self.compute_output_shape(shapes), is_leaf=_is_shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            tensors = jax.tree_util.tree_map(lambda s: KerasTensor(s, dtype=self.compute_dtype),
                                             input_shape, is_leaf=_is_shape)
            spec = self.compute_output_spec(tensors)
            return jax.tree_util.tree_map(lambda t: t.shape, spec, is_leaf=lambda t: isinstance(t, KerasTensor))
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = jax.tree_util.tree_leaves(input_shape, is_leaf=_is_shape)[0][0]
        return jax.tree_util.tree_map(lambda s: (batch,) + tuple(s), self._output_shape, is_leaf=_is_shape)

    # -- config ------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config["function"] = serialize_function(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (serialize_function(self._output_shape) if callable(self._output_shape)
                                      else self._output_shape)
        if self.mask is not None:
            config["mask"] = serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None,
                    safe_mode: bool | None = None) -> "Lambda":
        """Create the layer from its config.

        Args:
            config: the output of ``get_config`` (or a Keras / tf.keras Lambda config).
            custom_objects: named functions, by name, that the config refers to.
            safe_mode: unless ``False``, a function stored as lambda bytecode is refused, because
                loading it would execute code from the config.  ``None`` means the mode of the
                load in progress (``load_model(..., safe_mode=...)``), else safe.
        """
        if safe_mode is None:
            from strata.saving import object_registration

            safe_mode = object_registration.in_safe_mode()
        config = dict(config)
        legacy_types = {key: config.pop(key, None) for key in
                        ("function_type", "module", "output_shape_type", "output_shape_module")}
        for key, kind in (("function", legacy_types["function_type"]),
                          ("output_shape", legacy_types["output_shape_type"]), ("mask", None)):
            if key in config:
                config[key] = cls._load(key, config[key], kind, config.get("name"), custom_objects, safe_mode)
        return cls(**config)

    @staticmethod
    def _load(key: str, value: Any, kind: str | None, name: str | None, custom_objects: dict | None,
              safe_mode: bool | None) -> Any:
        if isinstance(value, dict) and value.get("class_name") == "__lambda__" or kind == "lambda":
            if safe_mode is not False:
                raise ValueError(
                    f"Refusing to deserialize the `{key}` of Lambda layer '{name}': it is a Python "
                    "lambda stored as bytecode, and loading it would execute arbitrary code from the "
                    "file. If you trust its source, opt in with `safe_mode=False` (for example "
                    "`load_model(path, safe_mode=False)` or `Lambda.from_config(config, safe_mode=False)`); "
                    "better, define the function with `def` and pass it in `custom_objects`."
                )
            inner = value["config"] if isinstance(value, dict) else {"code": value}
            if "value" in inner:  # serialize_keras_object's form: {"value": (code, defaults, closure)}
                inner = {"code": inner["value"]}
            return _load_lambda(inner, custom_objects)
        if isinstance(value, dict) and value.get("class_name") == "function":
            return _find_function(value["config"], custom_objects)
        if isinstance(value, str) and (kind == "function" or key == "function"):
            return _find_function(value, custom_objects)
        if key == "output_shape" and _is_shape(value):
            return tuple(value)
        return value
