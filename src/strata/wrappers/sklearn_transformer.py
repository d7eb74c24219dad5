"""``SKLearnTransformer``: a strata model as a scikit-learn transformer (``keras.wrappers``).

"Transformer" in scikit-learn's sense: a ``Pipeline`` step whose ``transform`` returns the
model's output for ``X`` (for instance an embedding, or the code of an autoencoder), used as the
features of the next step.  ``fit`` trains the model on ``(X, y)`` first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.wrappers.sklearn_base import SKLBase, sklearn

if sklearn is not None:
    from sklearn.base import TransformerMixin
else:
    class TransformerMixin:  # type: ignore[no-redef]
        """Placeholder base so that this module imports without scikit-learn."""


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer around a compiled strata model.

    Args:
        model: a compiled ``Model``, or a callable ``model(X=..., y=..., **model_kwargs)``
            returning one.
        warm_start: continue training the previous model on a new ``fit``.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    Attributes:
        model_, history_: the fitted model and the ``History`` of its fit.

    Example:
        >>> import numpy as np
        >>> from strata import layers, models
        >>> from strata.wrappers import SKLearnTransformer
        >>> def build(X, y):
        ...     model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(y.shape[1])])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.arange(8.0).reshape(4, 2)
        >>> step = SKLearnTransformer(build, fit_kwargs={"epochs": 1, "verbose": 0})
        >>> step.fit(X, X.sum(axis=1)).transform(X).shape
        (4, 1)
    """

    def transform(self, X: Any) -> np.ndarray:
        """The model's output for ``X``, ``(n_samples, n_outputs)``."""
        return self._model_output(X)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # the output is float32 whatever X was
        return tags

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"non_deterministic": True, "preserves_dtype": []}
