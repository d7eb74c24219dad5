"""Reduction metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of a per-sample function).

``Mean`` keeps two float scalars, ``total`` and ``count``: each batch adds the weighted sum of its
per-sample values to ``total`` and the sum of the weights (or the number of samples) to
``count``; the result is ``total / count`` (0 while ``count`` is 0).  A sample of weight 0 changes
neither, so the padded rows of a compiled batch are invisible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from strata.core import masking, naming
from strata.losses.loss import match_rank
from strata.metrics.metric import Metric
from strata.metrics.weighting import divide_no_nan, samplewise


class Sum(Metric):
    """The running (weighted) sum of the given values (``keras.metrics.Sum``).

    Example:
        >>> m = Sum()
        >>> float(m([1.0, 3.0, 5.0], sample_weight=[1.0, 0.0, 2.0]))
        11.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None) -> None:
        values, _ = samplewise(values, sample_weight, jnp.sum, self.dtype)
        self.total.assign(self.total.value + jnp.sum(values))

    def result(self):
        return jnp.asarray(self.total.value, self.dtype)


class Mean(Metric):
    """The running (weighted) mean of the given values (``keras.metrics.Mean``).

    Values of shape ``(n, ...)`` count as ``n`` samples (each the mean of its entries); a
    ``sample_weight`` of shape ``(n,)`` weights the samples.

    Example:
        >>> m = Mean()
        >>> round(float(m([1.0, 3.0, 5.0], sample_weight=[1.0, 0.0, 2.0])), 4)
        3.6667
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None) -> None:
        values, weights = samplewise(values, sample_weight, jnp.mean, self.dtype)
        if weights is not None:
            num_samples = jnp.sum(weights)
        else:
            num_samples = values.shape[0] if values.ndim >= 1 else 1
        self.total.assign(self.total.value + jnp.sum(values))
        self.count.assign(self.count.value + jnp.asarray(num_samples, self.dtype))

    def result(self):
        return divide_no_nan(self.total.value, jnp.asarray(self.count.value, self.dtype))


def _is_builtin_loss(fn: Any) -> bool:
    from strata.losses import LOSSES

    known = {id(obj) for obj in LOSSES.values()}
    return id(fn) in known or id(type(fn)) in known


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen (``keras.metrics.MeanMetricWrapper``).

    Args:
        fn: A function returning one value per sample (e.g. ``mean_absolute_error``).
        name: Name of the metric; defaults to the snake-cased ``fn.__name__``.
        dtype: Dtype of the state.
        **kwargs: Extra keyword arguments passed to ``fn`` on every update.

    Example:
        >>> from strata.metrics import binary_accuracy
        >>> m = MeanMetricWrapper(binary_accuracy, threshold=0.7)
        >>> m.name, float(m([[1.0], [1.0]], [[0.6], [0.9]]))
        ('binary_accuracy', 0.5)
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        if not callable(fn):
            raise TypeError(
                f"Argument `fn` of MeanMetricWrapper must be a callable (y_true, y_pred) -> values. "
                f"Received: fn={fn!r}"
            )
        if name is None:
            fn_name = getattr(fn, "__name__", None) or type(fn).__name__
            name = naming.auto_name(naming.to_snake_case(fn_name))
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if _is_builtin_loss(fn):
            self._direction = "down"

    @property
    def fn(self) -> Callable:
        """The wrapped per-sample function."""
        return self._fn

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        mask = masking.get_keras_mask(y_pred)  # padded timesteps of a sequence output count for nothing
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            mask = jnp.asarray(mask).astype(self.dtype)
            if sample_weight is None:
                sample_weight = mask
            else:
                weight = jnp.asarray(sample_weight, self.dtype)
                weight = jnp.reshape(weight, weight.shape + (1,) * max(mask.ndim - weight.ndim, 0))
                sample_weight = jnp.multiply(*match_rank(weight, mask))
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        from strata.metrics.serialization import serialize_function

        return {**super().get_config(), "fn": serialize_function(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "MeanMetricWrapper":
        config = dict(config)
        if "fn" in config:
            from strata.metrics.serialization import deserialize_function

            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name} fn={getattr(self._fn, '__name__', self._fn)}>"
