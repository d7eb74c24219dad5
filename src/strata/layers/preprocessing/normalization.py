"""``Normalization``: shift and scale features to zero mean and unit variance.

The statistics come from ``adapt(data)`` (computed on the host with NumPy, so adapting compiles
nothing) or from fixed ``mean=``/``variance=`` arguments.  Inference computes
``(x - mean) / max(sqrt(variance), epsilon)``, or its inverse with ``invert=True``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from typing import Any

import jax.numpy as jnp
import numpy as np

from strata import config as strata_config
from strata.layers.layer import Layer


def _standardize_axis(axis: Any) -> tuple[int, ...]:
    if axis is None:
        return ()
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    if isinstance(axis, (list, tuple)) and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                                               for a in axis):
        return tuple(int(a) for a in axis)
    raise TypeError(f"`axis` must be an int, a tuple of ints, or None. Received: axis={axis!r}")


def _first_of(batch: Any) -> Any:
    """The inputs of a batch that may be an ``(x, y)`` or ``(x, y, sample_weight)`` tuple."""
    return batch[0] if isinstance(batch, tuple) else batch


def _as_host_array(value: Any) -> np.ndarray:
    if hasattr(value, "value") and hasattr(value, "assign"):  # a Variable
        value = value.value
    return np.asarray(value)


class Normalization(Layer):
    """Normalizes continuous features (``keras.layers.Normalization``).

    Args:
        axis: the axis (or axes) that keep separate statistics, e.g. ``-1`` for one mean and
            variance per feature; ``None`` for a single scalar mean and variance.
        mean: fixed mean value(s), broadcast to the kept axes; give it together with ``variance``.
        variance: fixed variance value(s), broadcast to the kept axes.
        invert: apply the inverse transformation (``mean + x * std``), turning normalized values
            back into the original scale.

    Without ``mean``/``variance`` the layer owns three non-trainable weights, ``mean``,
    ``variance`` and ``count`` (int32, kept at 0 as Keras does), and ``adapt`` sets the first two.

    Example:
        >>> import numpy as np
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[1.0, 2.0], [3.0, 6.0]]))
        >>> np.asarray(layer(np.array([[1.0, 2.0]]))).tolist()
        [[-1.0, -1.0]]
    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean!r} and variance={variance!r}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be at most the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis={self.axis}"
                )

    # -- building ----------------------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"All `axis` values must be in the range [-ndim, ndim) for inputs of rank {ndim}. "
                f"Received: axis={self.axis}, input_shape={input_shape}"
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"Every axis that keeps its own statistics must have a known size. Received: "
                    f"axis={self.axis}, input_shape={input_shape} (axis {d} is unknown)"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._stats_shape = tuple(input_shape[d] for d in self._keep_axis)
        self._build_input_shape = input_shape
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stats_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32", initializer="zeros",
                                         trainable=False)
        else:
            self._fixed_mean = self._broadcast_fixed(self.input_mean)
            self._fixed_variance = self._broadcast_fixed(self.input_variance)

    def _broadcast_fixed(self, value: Any) -> np.ndarray:
        """A fixed statistic aligned (right to left) with the kept axes, as a host array."""
        value = np.asarray(value, dtype=self.compute_dtype)
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        try:
            return np.broadcast_to(value.reshape(expanded), self._broadcast_shape).copy()
        except ValueError as error:
            raise ValueError(
                f"`mean`/`variance` of shape {value.shape} cannot be broadcast to the kept axes "
                f"{self._keep_axis} of inputs of shape {self._build_input_shape}. Received: "
                f"axis={self.axis}"
            ) from error

    # -- computing ---------------------------------------------------------------------------------
    def _statistics(self, ndim: int) -> tuple[Any, Any]:
        if self.input_mean is not None:
            mean, variance = jnp.asarray(self._fixed_mean), jnp.asarray(self._fixed_variance)
        else:
            mean = jnp.reshape(self.adapt_mean.value, self._broadcast_shape).astype(self.compute_dtype)
            variance = jnp.reshape(self.adapt_variance.value, self._broadcast_shape).astype(self.compute_dtype)
        if not self._keep_axis:  # one scalar statistic: valid for inputs of any rank
            return jnp.reshape(mean, ()), jnp.reshape(variance, ())
        if ndim != len(self._broadcast_shape):
            raise ValueError(
                f"Normalization layer '{self.name}' was built for inputs of rank "
                f"{len(self._broadcast_shape)} (shape {self._build_input_shape}), but received inputs "
                f"of rank {ndim}. Pass inputs of the same rank, or use a new layer."
            )
        return mean, variance

    def call(self, inputs: Any) -> Any:
        inputs = jnp.asarray(inputs, dtype=self.compute_dtype)
        mean, variance = self._statistics(inputs.ndim)
        if self._keep_axis and any(inputs.shape[d] != self._broadcast_shape[d] for d in self._keep_axis):
            raise ValueError(
                f"Normalization layer '{self.name}' keeps statistics for axes {self._keep_axis} of "
                f"inputs shaped like {self._build_input_shape}, but received inputs of shape "
                f"{tuple(inputs.shape)}. Pass inputs whose sizes on those axes match."
            )
        std = jnp.maximum(jnp.sqrt(variance), jnp.asarray(strata_config.epsilon(), self.compute_dtype))
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def _host_statistic(self, which: str) -> np.ndarray | None:
        if not self.built:
            return None
        if self.input_mean is not None:
            return getattr(self, f"_fixed_{which}")
        variable = self.adapt_mean if which == "mean" else self.adapt_variance
        return np.reshape(np.asarray(variable.value), self._broadcast_shape)

    @property
    def mean(self) -> np.ndarray | None:
        """The mean, broadcast to the input rank (``None`` before the layer is built)."""
        return self._host_statistic("mean")

    @property
    def variance(self) -> np.ndarray | None:
        """The variance, broadcast to the input rank (``None`` before the layer is built)."""
        return self._host_statistic("variance")

    # -- adapting ----------------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Compute the mean and variance of ``data`` and store them in the layer's weights.

        Args:
            data: a NumPy array (or array-like, nested lists included), or an iterable of batches
                (a list of arrays, a generator, a dataset yielding arrays or ``(x, y)`` tuples).
            batch_size: for array data, update the statistics this many samples at a time.
            steps: for an iterable, stop after this many batches.

        The variance is the population variance (``ddof=0``) over every axis except ``axis``;
        batches are combined with a running weighted merge.  Everything runs on the host.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization layer '{self.name}' was created with fixed `mean` and `variance`, so "
                "it cannot be adapted. Create it without `mean`/`variance` to learn them from data."
            )
        for name, value in (("batch_size", batch_size), ("steps", steps)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
        array, batches = self._split_data(data)
        if array is not None and steps is not None:
            raise ValueError(
                "`steps` only applies to an iterable of batches; for array data use `batch_size`. "
                f"Received: steps={steps}"
            )
        if batches is not None and batch_size is not None:
            raise ValueError(
                "Do not pass `batch_size` when `data` is an iterable of batches (it is already batched). "
                f"Received: batch_size={batch_size}"
            )
        if array is not None and batch_size is not None:
            batches = iter([array[i:i + batch_size] for i in range(0, len(array), batch_size)])
            array = None
        if batches is not None:
            first = next(batches, None)
            if first is None:
                raise ValueError(
                    "adapt() received an empty iterable (no batches). Pass a non-empty array or "
                    "iterable of batches, e.g. layer.adapt(x) or layer.adapt([x1, x2])."
                )
            batches = itertools.chain([first], batches)
            if steps is not None:
                batches = itertools.islice(batches, steps)
            self._prepare(first.shape)
            mean, variance = self._merged_statistics(batches)
        else:
            self._prepare(array.shape)
            mean = np.mean(array, axis=self._reduce_axis)
            variance = np.var(array, axis=self._reduce_axis)
        self.adapt_mean.assign(np.reshape(mean, self._stats_shape).astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(np.reshape(variance, self._stats_shape).astype(self.adapt_variance.dtype))

    def _split_data(self, data: Any) -> tuple[np.ndarray | None, Iterator[np.ndarray] | None]:
        """``(array, None)`` for array-like data, ``(None, batches)`` for an iterable of batches."""
        if isinstance(data, (list, tuple)) and data and all(hasattr(_first_of(b), "shape") for b in data):
            return None, (_as_host_array(_first_of(b)) for b in data)
        if hasattr(data, "shape") or isinstance(data, (list, tuple, int, float)):
            array = _as_host_array(data)
            if array.size == 0:
                raise ValueError(f"adapt() received empty data. Received: data.shape={array.shape}")
            return array, None
        if isinstance(data, Iterable) and not isinstance(data, (str, bytes, dict)):
            return None, (_as_host_array(_first_of(b)) for b in data)
        raise TypeError(
            f"Unsupported data type for adapt(): {type(data).__name__}. Pass a NumPy array, nested "
            "lists of numbers, or an iterable of batches (a list of arrays, a generator)."
        )

    def _prepare(self, input_shape: tuple) -> None:
        if not self.built:
            self._maybe_build(tuple(input_shape))
            return
        self._check_kept_dims(tuple(input_shape))

    def _check_kept_dims(self, shape: tuple) -> None:
        if len(shape) != len(self._build_input_shape) or any(
                shape[d] != self._build_input_shape[d] for d in self._keep_axis):
            raise ValueError(
                f"Normalization layer '{self.name}' was built with input_shape="
                f"{self._build_input_shape}, but adapt() received data of incompatible shape "
                f"{shape}. The sizes of the kept axes {self._keep_axis} must match."
            )

    def _merged_statistics(self, batches: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Mean and population variance over all batches, merged batch by batch (float64)."""
        total_mean = np.zeros(self._stats_shape)
        total_var = np.zeros(self._stats_shape)
        total_count = 0
        for batch in batches:
            batch = np.asarray(batch, dtype=self.compute_dtype)
            self._check_kept_dims(batch.shape)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if batch_count == 0:
                continue
            batch_mean = np.mean(batch, axis=self._reduce_axis, dtype="float64")
            batch_var = np.var(batch, axis=self._reduce_axis, dtype="float64")
            total_count += batch_count
            weight = batch_count / total_count
            new_mean = total_mean * (1.0 - weight) + batch_mean * weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1.0 - weight)
                         + (batch_var + (batch_mean - new_mean) ** 2) * weight)
            total_mean = new_mean
        return total_mean, total_var

    # -- config ------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config
