"""``SKLBase``: what the three scikit-learn wrappers share (``keras.wrappers`` in Keras 3).

A wrapper is a scikit-learn estimator around a compiled strata model.  Its constructor only
stores its four arguments, so ``get_params`` / ``set_params`` / ``sklearn.base.clone`` work and
``GridSearchCV`` can search over them.  ``fit`` validates ``X`` and ``y`` with scikit-learn's own
helpers, encodes the target (one-hot for classifiers, a 2-D column for the others), obtains a
model and trains it; the fitted model is ``model_`` and the ``History`` of the fit ``history_``.

Where the model comes from:

* ``model`` is a callable: it is called as ``model(X=X, y=y, **model_kwargs)`` with the encoded
  arrays, so it can size its input and output layers, and must return a compiled model;
* ``model`` is a ``Model``: it is cloned (same architecture, fresh weights, same compile
  arguments), unless ``warm_start=True``, which trains the given instance itself.

With ``warm_start=True`` a second ``fit`` continues from the weights of the previous one.

scikit-learn is imported lazily: ``import strata`` never loads it, and building a wrapper without
scikit-learn installed raises an ``ImportError`` that says ``pip install scikit-learn``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator
except ImportError:  # the wrappers then refuse to be built (see `require_sklearn`)
    sklearn = None

    class BaseEstimator:  # type: ignore[no-redef]
        """Placeholder base so that this module imports without scikit-learn."""


def require_sklearn(name: str) -> None:
    """Raise the ``ImportError`` telling how to install scikit-learn, when it is missing."""
    if sklearn is None:
        raise ImportError(f"{name} requires scikit-learn, which is not installed. "
                          "Install it with `pip install scikit-learn`.")


def check_compiled(model: Any) -> None:
    """The model to train must be compiled with a loss and an optimizer."""
    if not getattr(model, "compiled", False) or not getattr(model, "loss", None) \
            or getattr(model, "optimizer", None) is None:
        raise RuntimeError(
            "The model given to the scikit-learn wrapper must be compiled with a loss and an "
            f"optimizer. Received: {type(model).__name__} '{getattr(model, 'name', '?')}' "
            f"(compiled={getattr(model, 'compiled', False)}). Call `model.compile(optimizer=..., "
            "loss=...)` in your model-building function or before wrapping the model."
        )


class SKLBase(BaseEstimator):
    """Base of ``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer``.

    Args:
        model: a compiled ``Model``, or a callable ``model(X=..., y=..., **model_kwargs)``
            returning one.  A ``Model`` is cloned before fitting unless ``warm_start=True``.
        warm_start: when True, a new ``fit`` continues training the model of the previous fit
            (or the given ``Model`` instance itself) instead of starting afresh.
        model_kwargs: keyword arguments passed to ``model`` when it is a callable.
        fit_kwargs: keyword arguments passed to ``model.fit`` (``epochs``, ``batch_size``, ...);
            keyword arguments given to ``fit`` itself take precedence for that call.

    Attributes:
        model_: the fitted model.
        history_: the ``History`` returned by ``model.fit``.
        n_features_in_: the number of input features seen by ``fit``.
    """

    def __init__(self, model: Any, warm_start: bool = False, model_kwargs: dict | None = None,
                 fit_kwargs: dict | None = None) -> None:
        require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    # -- scikit-learn protocol ---------------------------------------------------------------------
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True  # weights are initialised and data shuffled from seeds
        return tags

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"non_deterministic": True}

    def __sklearn_clone__(self) -> SKLBase:
        """An unfitted copy with the same parameters (a ``Model`` given as ``model`` is shared, as
        in Keras: ``fit`` clones it unless ``warm_start=True``)."""
        return type(self)(model=self.model, warm_start=self.warm_start, model_kwargs=self.model_kwargs,
                          fit_kwargs=self.fit_kwargs)

    @property
    def epoch_(self) -> int:
        """The number of epochs run by the last ``fit`` (0 before fitting)."""
        history = getattr(self, "history_", None)
        return len(history.epoch) if history is not None else 0

    # -- fitting -----------------------------------------------------------------------------------
    def _get_model(self, X: np.ndarray, y: np.ndarray) -> Any:
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if _is_model(self.model):
            return self.model if self.warm_start else _clone_compiled(self.model)
        if not callable(self.model):
            raise TypeError(
                "`model` must be a compiled strata Model or a callable returning one. "
                f"Received: model={self.model!r} (of type {type(self.model).__name__})."
            )
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X: Any, y: Any, **kwargs: Any) -> SKLBase:
        """Train a model on ``X`` (``(n_samples, n_features)``) and ``y``; return ``self``.

        ``kwargs`` go to ``model.fit`` and override ``fit_kwargs`` for this call only.
        """
        from sklearn.utils.validation import validate_data

        X, y = validate_data(self, X, y, reset=True)
        y = self._encode_target(y, reset=True)
        model = self._get_model(X, y)
        check_compiled(model)
        arguments = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **arguments)
        self.model_ = model
        return self

    def _model_output(self, X: Any) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        verbose = (self.fit_kwargs or {}).get("verbose", "auto")
        return np.asarray(self.model_.predict(X, verbose=verbose))

    def predict(self, X: Any) -> np.ndarray:
        """The model's predictions for ``X``, decoded back to the form of the training ``y``."""
        return self._decode_target(self._model_output(X))

    # -- target encoding (regressors and transformers: a 2-D column; classifiers: one-hot) --------
    def _encode_target(self, y: np.ndarray, reset: bool = False) -> np.ndarray:
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(y)
        if kind == "unknown":
            raise ValueError(f"Unknown label type for y: {y!r:.200}")
        if reset:
            self._target_ndim = y.ndim
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _decode_target(self, output: np.ndarray) -> np.ndarray:
        if self._target_ndim == 1 and output.ndim == 2 and output.shape[1] == 1:
            return output[:, 0]
        return output


def _is_model(value: Any) -> bool:
    from strata.models.model import Model

    return isinstance(value, Model)


def _clone_compiled(model: Any) -> Any:
    """``clone_model`` and, as Keras's ``clone_model`` does, the same ``compile`` arguments."""
    from strata.models import clone_model
    from strata.saving.model_config import compile_from_config, get_compile_config

    clone = clone_model(model)
    if getattr(model, "compiled", False) and not getattr(clone, "compiled", False):
        compile_from_config(clone, get_compile_config(model))
    return clone
