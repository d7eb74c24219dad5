"""Probabilistic and margin metrics: the running mean of a loss function over all samples seen.

Crossentropies, KL divergence and Poisson (``keras.metrics.BinaryCrossentropy``, ...) and the hinge
family.  Each is a ``MeanMetricWrapper`` over the function of the same name in
:mod:`strata.losses`, so a metric and the loss agree to the last bit on the same batch.
"""

from __future__ import annotations

from typing import Any

from strata.losses.crossentropy import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from strata.losses.margin import categorical_hinge, hinge, squared_hinge
from strata.losses.probabilistic import kl_divergence, poisson
from strata.metrics.reduction import MeanMetricWrapper


class _LossMetric(MeanMetricWrapper):
    """The mean of a loss function with fixed keyword arguments; smaller is better."""

    _direction = "down"
    _function: Any = None
    _config_keys: tuple[str, ...] = ()

    def __init__(self, name: str, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(type(self)._function, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype}
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config


class KLDivergence(_LossMetric):
    """Mean Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))`` (``keras.metrics.KLDivergence``)."""

    _function = staticmethod(kl_divergence)

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class Poisson(_LossMetric):
    """Mean Poisson loss ``y_pred - y_true * log(y_pred)`` (``keras.metrics.Poisson``)."""

    _function = staticmethod(poisson)

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class BinaryCrossentropy(_LossMetric):
    """Mean binary crossentropy (``keras.metrics.BinaryCrossentropy``).

    Args:
        name: Name of the metric.
        dtype: Dtype of the state.
        from_logits: Whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: Squeeze the labels towards 0.5 by this amount.

    Example:
        >>> round(float(BinaryCrossentropy()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
        0.8149
    """

    _function = staticmethod(binary_crossentropy)
    _config_keys = ("from_logits", "label_smoothing")

    def __init__(
        self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False, label_smoothing: float = 0
    ) -> None:
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(_LossMetric):
    """Mean categorical crossentropy for one-hot labels (``keras.metrics.CategoricalCrossentropy``).

    Args:
        name: Name of the metric.
        dtype: Dtype of the state.
        from_logits: Whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: Squeeze the one-hot labels towards uniform by this amount.
        axis: The class axis.
    """

    _function = staticmethod(categorical_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis
        )


class SparseCategoricalCrossentropy(_LossMetric):
    """Mean categorical crossentropy for integer labels (``keras.metrics.SparseCategoricalCrossentropy``).

    Args:
        name: Name of the metric.
        dtype: Dtype of the state.
        from_logits: Whether ``y_pred`` holds logits rather than probabilities.
        ignore_class: A label value whose samples contribute a zero value.
        axis: The class axis.
    """

    _function = staticmethod(sparse_categorical_crossentropy)
    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class Hinge(_LossMetric):
    """Mean hinge loss (``keras.metrics.Hinge``); labels in ``{-1, 1}`` or ``{0, 1}``."""

    _function = staticmethod(hinge)

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_LossMetric):
    """Mean squared hinge loss (``keras.metrics.SquaredHinge``)."""

    _function = staticmethod(squared_hinge)

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_LossMetric):
    """Mean categorical hinge loss for one-hot labels (``keras.metrics.CategoricalHinge``)."""

    _function = staticmethod(categorical_hinge)

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
