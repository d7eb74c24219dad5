"""``InputLayer`` and ``Input``: the entry points of a model graph."""

from __future__ import annotations

from typing import Any

from strata.core.keras_tensor import KerasTensor
from strata.core.node import Node
from strata.core.variable import standardize_dtype
from strata.layers.layer import Layer


def _shape_tuple(shape: Any, argument: str) -> tuple:
    if isinstance(shape, int):
        return (shape,)
    try:
        if isinstance(shape, (str, bytes)):
            raise TypeError
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        raise TypeError(
            f"`{argument}` must be a tuple of integers (use None for an unknown size). "
            f"Received: {argument}={shape!r}"
        ) from None


class InputLayer(Layer):
    """The layer behind ``Input``: it owns the symbolic tensor a model starts from.

    Args:
        shape: the shape of one sample, without the batch dimension.
        batch_size: an optional fixed batch size.
        batch_shape: the full shape including the batch dimension (instead of ``shape``).
        dtype: the input dtype (default ``floatx()``).
        name: the layer's name (default ``input_layer``, made unique).
    """

    def __init__(self, shape: Any = None, batch_size: int | None = None, dtype: Any = None,
                 sparse: bool | None = None, batch_shape: Any = None, input_tensor: Any = None,
                 optional: bool = False, name: str | None = None, ragged: bool | None = None,
                 **kwargs: Any) -> None:
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        is_string = dtype in ("string", "str", str)  # text inputs feed host-side layers (TextVectorization)
        super().__init__(name=name, dtype=None if is_string else dtype, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same time. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument, e.g. `Input(shape=(4,))`.")
        if batch_shape is None:
            batch_shape = (batch_size,) + _shape_tuple(shape, "shape")
        self.batch_shape = _shape_tuple(batch_shape, "batch_shape")
        self._dtype = "string" if is_string else standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self.built = True
        Node(self, (), {}, KerasTensor(self.batch_shape, dtype=self._dtype, name=self.name))  # -> self.output

    def call(self, inputs: Any = None) -> Any:
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config: dict) -> "InputLayer":
        return cls(**config)


def Input(shape: Any = None, batch_size: int | None = None, dtype: Any = None, sparse: bool | None = None,
          batch_shape: Any = None, name: str | None = None, tensor: Any = None,
          optional: bool = False, ragged: bool | None = None) -> KerasTensor:
    """Start a model: return the symbolic tensor of a new ``InputLayer``.

    Example:
        >>> x = Input(shape=(4,))
        >>> x.shape
        (None, 4)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, optional=optional, ragged=ragged)
    return layer.output
