"""``SKLearnRegressor``: a strata regression model as a scikit-learn estimator (``keras.wrappers``).

The target is passed to the model as a 2-D array (a 1-D ``y`` becomes one column) and the
predictions come back in the shape of the training ``y``.  ``score`` is scikit-learn's R².
"""

from __future__ import annotations

from typing import Any

from strata.wrappers.sklearn_base import SKLBase, sklearn

if sklearn is not None:
    from sklearn.base import RegressorMixin
else:
    class RegressorMixin:  # type: ignore[no-redef]
        """Placeholder base so that this module imports without scikit-learn."""


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor around a compiled strata model.

    Args:
        model: a compiled ``Model``, or a callable ``model(X=..., y=..., **model_kwargs)``
            returning one (``y`` is 2-D: ``y.shape[1]`` is the number of outputs).
        warm_start: continue training the previous model on a new ``fit``.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    Attributes:
        model_, history_: the fitted model and the ``History`` of its fit.

    Example:
        >>> import numpy as np
        >>> from strata import layers, models
        >>> from strata.wrappers import SKLearnRegressor
        >>> def build(X, y):
        ...     model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(y.shape[1])])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.arange(8.0).reshape(4, 2)
        >>> reg = SKLearnRegressor(build, fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, X.sum(axis=1))
        >>> reg.predict(X).shape
        (4,)
    """

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"non_deterministic": True, "poor_score": True}
