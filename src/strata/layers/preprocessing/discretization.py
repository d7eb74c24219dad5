"""``Discretization``: continuous values to bucket indices (jittable), with quantile ``adapt``.

The call is ``jnp.digitize(x, bin_boundaries)`` (index ``i`` means ``b[i-1] <= x < b[i]``), then
an optional one-hot/multi-hot/count encoding, in pure ``jax.numpy``.

``adapt`` estimates ``num_bins`` quantile boundaries on the host, in NumPy, with Keras's mergeable
summary: each batch is sorted and sampled every ``n * epsilon`` values (weight = step), summaries
are merged by value and compressed back to ``1 / epsilon`` points by interpolating their
cumulative weights; the boundaries are the compressed summary at ``1 / num_bins`` without its
last point.  The same arithmetic (float32 summaries, ``np.interp``) gives Keras's boundaries.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from strata import config as strata_config
from strata.layers.layer import Layer
from strata.layers.preprocessing.adapt_data import adapt_batches
from strata.layers.preprocessing.categorical_encoding import encode_categorical, encoded_shape

_EMPTY = np.zeros((2, 0), dtype="float32")


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    values = np.sort(np.reshape(values, -1))
    step = max(values.size * epsilon, 1)
    points = values[int(step - 1)::int(step)]
    return np.stack([points, np.ones_like(points) * step])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    points = np.interp(targets, fractions, summary[0])
    cumulative = np.interp(targets, fractions, cumulative)
    weights = cumulative - np.concatenate(([0.0], cumulative[:-1]))
    return np.stack((points, weights)).astype("float32")


def _merge(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((first, second), axis=1)
    return _compress(np.take(merged, np.argsort(merged[0]), axis=1), epsilon)


class Discretization(Layer):
    """Buckets continuous features by value ranges (``keras.layers.Discretization``).

    Args:
        bin_boundaries: sorted boundaries, e.g. ``[0.0, 1.0]`` gives buckets ``(-inf, 0)``,
            ``[0, 1)`` and ``[1, inf)``.
        num_bins: the number of buckets to learn with ``adapt`` (instead of ``bin_boundaries``).
        epsilon: the error tolerance of the quantile summary used by ``adapt``.
        output_mode: ``"int"`` (int32 bucket ids), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must stay False (strata returns dense arrays).

    Example:
        >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        >>> layer([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]).tolist()
        [[0, 2, 3, 1], [1, 3, 2, 1]]
    """

    def __init__(self, bin_boundaries: Any = None, num_bins: int | None = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, dtype: Any = None, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse and output_mode == "int":
            raise ValueError("`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, or "
                             f"`'count'`. Received: sparse={sparse} and output_mode={output_mode}")
        allowed = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in allowed:
            raise ValueError(f"Unknown value for `output_mode` argument of Discretization. Allowed values are: "
                             f"{allowed}. Received: output_mode={output_mode}")
        if sparse:
            raise ValueError("`sparse=True` is not supported by strata's Discretization (it returns dense "
                             "arrays). Received: sparse=True. Use the default `sparse=False`.")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. Received: "
                             f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self._summary = None if self.bin_boundaries else _EMPTY

    @property
    def output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    # -- adapting (host, NumPy) --------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn ``num_bins`` quantile boundaries from ``data`` (an array, or an iterable of batches)."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized with "
                             "`bin_boundaries`, use `num_bins` instead.")
        self.reset_state()
        for batch in adapt_batches(data, steps, array_types=(np.ndarray,)):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        values = np.array(data).astype("float32")
        self._summary = _merge(_summarize(values, self.epsilon), self._summary, self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is not None:
            self.bin_boundaries = _compress(self._summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is not None:
            self._summary = _EMPTY

    # -- calling (jittable) ------------------------------------------------------------------------
    def call(self, inputs: Any) -> Any:
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at construction time or "
                             "call `adapt(dataset)` before you can start using the `Discretization` layer.")
        inputs = jnp.asarray(inputs, dtype=strata_config.floatx())
        boundaries = jnp.asarray(self.bin_boundaries, dtype=inputs.dtype)
        indices = jnp.digitize(inputs, boundaries).astype("int32")
        return encode_categorical(jnp, indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            return encoded_shape(input_shape, "one_hot", depth)
        return (input_shape[0],) + input_shape[2:] + (depth,) if len(input_shape) >= 2 else (depth,)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        from strata.core.keras_tensor import KerasTensor

        return KerasTensor(self.compute_output_shape(tuple(inputs.shape)), dtype=self.output_dtype)

    def get_config(self) -> dict:
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Discretization":
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        config.pop("trainable", None)
        boundaries = config.pop("bin_boundaries", None)
        if boundaries is not None and config.get("num_bins") is not None:
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(bin_boundaries=boundaries, **config)
