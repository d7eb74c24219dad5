"""``Merge``: the shared machinery of layers that combine a list of tensors.

A merge layer is called on ONE argument, a list of tensors (``Add()([a, b])``), and is built with
the list of their shapes.  Before anything runs, the shapes are checked pair by pair; a mismatch
names the merge layer, both shapes and the layers that produced them, e.g.::

    Inputs to Add layer 'add' must have the same shape, but received shapes (None, 3) from layer
    'dense' and (None, 4) from layer 'dense_1'.

Elementwise merges follow Keras: batch sizes must agree, the other dimensions broadcast when one
of them is 1, and an input of lower rank gets size-1 axes inserted after the batch axis.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.core.keras_tensor import KerasTensor
from strata.layers.layer import Layer

Shape = tuple


def _shape_of(x: Any) -> Shape:
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def _source_of(x: Any) -> str | None:
    """The name of the layer that produced a symbolic tensor (``None`` for arrays)."""
    history = getattr(x, "_keras_history", None) if isinstance(x, KerasTensor) else None
    return history[0].name if history else None


def broadcast_dims(a: Shape, b: Shape) -> Shape | None:
    """Keras's elementwise result of two shapes without their batch axis (None if incompatible)."""
    if len(a) < len(b):
        a, b = b, a
    out = list(a[:len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b):], b):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            return None
    return tuple(out)


class Merge(Layer):
    """Base class of the merge layers; subclasses implement ``_merge_function(inputs)``.

    Class attributes ``min_inputs``/``max_inputs`` bound the number of inputs.
    """

    min_inputs = 1
    max_inputs: int | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    # -- checks ------------------------------------------------------------------------------------
    def _requirement(self) -> str:
        """What the inputs' shapes must satisfy, as a phrase for error messages."""
        return "must have the same shape"

    def _pair_compatible(self, a: Shape, b: Shape) -> bool:
        if a and b and a[0] is not None and b[0] is not None and a[0] != b[0]:
            return False
        return broadcast_dims(a[1:], b[1:]) is not None

    def _check_count(self, count: int, received: Any) -> None:
        name = type(self).__name__
        if count < self.min_inputs or (self.max_inputs is not None and count > self.max_inputs):
            if self.max_inputs == self.min_inputs:
                expected = f"exactly {self.min_inputs}"
            else:
                expected = f"at least {self.min_inputs}"
            raise ValueError(
                f"A `{name}` layer should be called on a list of {expected} input(s). "
                f"Received {count} input(s): {received!r}"
            )

    def _check_shapes(self, shapes: list[Shape], sources: list[str | None]) -> None:
        """Raise a ValueError naming both shapes (and producers) of the first incompatible pair."""
        for i in range(1, len(shapes)):
            for j in range(i):
                if not self._pair_compatible(shapes[j], shapes[i]):
                    def describe(k: int) -> str:
                        where = f"from layer '{sources[k]}'" if sources[k] else f"at position {k}"
                        return f"{shapes[k]} {where}"

                    raise ValueError(
                        f"Inputs to {type(self).__name__} layer '{self.name}' {self._requirement()}, "
                        f"but received shapes {describe(j)} and {describe(i)}. Change the layers "
                        "that produce them (e.g. the units of a Dense layer, or add a Reshape) so "
                        "the shapes agree."
                    )

    def _validate(self, inputs: Any) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A `{name}` layer should be called on a list of inputs, e.g. `{name}()([x1, x2])`. "
                f"Received: inputs={inputs!r} (not a list of tensors)"
            )
        self._check_count(len(inputs), [_shape_of(x) for x in inputs])
        self._check_shapes([_shape_of(x) for x in inputs], [_source_of(x) for x in inputs])

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if args:
            name = type(self).__name__
            raise ValueError(
                f"A `{name}` layer takes its inputs as ONE list argument: write `{name}()([x1, x2])`, "
                f"not `{name}()(x1, x2)`. Received {1 + len(args)} positional arguments."
            )
        self._validate(inputs)
        return super().__call__(inputs, **kwargs)

    # -- layer contract ----------------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(
                f"A `{type(self).__name__}` layer should be built with a list of shapes. "
                f"Received: input_shape={input_shape!r}"
            )
        shapes = [tuple(s) for s in input_shape]
        self._check_count(len(shapes), shapes)
        self._check_shapes(shapes, [None] * len(shapes))

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shapes = [tuple(s) for s in input_shape]
        dims = shapes[0][1:]
        for shape in shapes[1:]:
            dims = broadcast_dims(dims, shape[1:])
        batch = next((s[0] for s in shapes if s and s[0] is not None), None)
        return (batch,) + tuple(dims)

    def call(self, inputs: Any) -> Any:
        inputs = list(inputs)
        target = self.compute_output_shape([x.shape for x in inputs])
        aligned = []
        for x in inputs:
            # Lower-rank inputs get size-1 axes after the batch axis, then every input is
            # broadcast explicitly to the common shape.
            x = jnp.reshape(x, x.shape[:1] + (1,) * (len(target) - x.ndim) + x.shape[1:])
            aligned.append(jnp.broadcast_to(x, (x.shape[0],) + target[1:]))
        return self._merge_function(aligned)

    def _merge_function(self, inputs: list[Any]) -> Any:
        raise NotImplementedError
