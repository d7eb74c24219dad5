"""``HyperModel``: a model-building recipe that a tuner calls with a trial's hyperparameters.

Subclass it and override ``build(hp)`` to return a compiled model; override ``fit`` to change how a
trial trains (it may return a ``History``, a dict of metrics or a single float).  A plain function
``build_model(hp)`` works as well: the tuner wraps it.

Example:
    >>> from strata import layers, models
    >>> from strata.tuner import HyperModel, HyperParameters
    >>> class Net(HyperModel):
    ...     def build(self, hp):
    ...         model = models.Sequential([layers.Input((4,)), layers.Dense(hp.Int("units", 2, 8))])
    ...         model.compile(loss="mse")
    ...         return model
    >>> Net().build(HyperParameters()).count_params()
    10
"""

from __future__ import annotations

from typing import Any


class HyperModel:
    """Builds (and optionally fits) a model for given hyperparameters."""

    def __init__(self, name: str | None = None, tunable: bool = True) -> None:
        self.name = name
        self.tunable = tunable

    def build(self, hp: Any) -> Any:
        """Return a compiled model for the hyperparameters ``hp``."""
        raise NotImplementedError("Subclasses of HyperModel must implement build(self, hp) and return a compiled "
                                  "model.")

    def fit(self, hp: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        """Train ``model``; by default ``model.fit(*args, **kwargs)``."""
        return model.fit(*args, **kwargs)


class FunctionHyperModel(HyperModel):
    """Wraps a ``build_model(hp)`` function."""

    def __init__(self, build_fn: Any) -> None:
        super().__init__(name=getattr(build_fn, "__name__", None))
        self._build_fn = build_fn

    def build(self, hp: Any) -> Any:
        return self._build_fn(hp)


def get_hypermodel(hypermodel: Any) -> HyperModel | None:
    if hypermodel is None or isinstance(hypermodel, HyperModel):
        return hypermodel
    if not callable(hypermodel):
        raise ValueError("The `hypermodel` argument should be either a callable with signature `build(hp)` "
                         f"returning a model, or an instance of `HyperModel`. Received: hypermodel={hypermodel!r}.")
    return FunctionHyperModel(hypermodel)
