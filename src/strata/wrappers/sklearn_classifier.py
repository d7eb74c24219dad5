"""``SKLearnClassifier``: a strata classifier as a scikit-learn estimator (``keras.wrappers``).

The labels ``y`` (numbers or strings, binary or multi-class) are one-hot encoded before training,
so the model ends in ``Dense(n_classes, activation="softmax")`` and is compiled with
``categorical_crossentropy``; ``classes_`` holds the sorted labels and ``predict`` maps the arg-max
of the model's output back to them.  ``score`` is scikit-learn's accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.wrappers.sklearn_base import SKLBase, sklearn

if sklearn is not None:
    from sklearn.base import ClassifierMixin
else:
    class ClassifierMixin:  # type: ignore[no-redef]
        """Placeholder base so that this module imports without scikit-learn."""


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier around a compiled strata model.

    Args:
        model: a compiled ``Model``, or a callable ``model(X=..., y=..., **model_kwargs)``
            returning one; ``y`` is the one-hot encoded target, so ``y.shape[1]`` is the number of
            classes.
        warm_start: continue training the previous model on a new ``fit``.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    Attributes:
        model_, history_: the fitted model and the ``History`` of its fit.
        classes_: the class labels, sorted.

    Example:
        >>> import numpy as np
        >>> from strata import layers, models
        >>> from strata.wrappers import SKLearnClassifier
        >>> def build(X, y, units=8):
        ...     model = models.Sequential([layers.Input((X.shape[1],)),
        ...                                layers.Dense(units, activation="relu"),
        ...                                layers.Dense(y.shape[1], activation="softmax")])
        ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
        ...     return model
        >>> X = np.array([[0.0, 0.1], [1.0, 0.9], [0.1, 0.0], [0.9, 1.0]])
        >>> clf = SKLearnClassifier(build, model_kwargs={"units": 4}, fit_kwargs={"epochs": 2, "verbose": 0})
        >>> clf.fit(X, np.array(["no", "yes", "no", "yes"])).classes_.tolist()
        ['no', 'yes']
        >>> clf.predict(X).shape
        (4,)
    """

    def _encode_target(self, y: np.ndarray, reset: bool = False) -> np.ndarray:
        from sklearn.preprocessing import OneHotEncoder
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(y)
        if kind == "unknown":
            raise ValueError(f"Unknown label type for y: {y!r:.200}")
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                f"SKLearnClassifier supports binary and multi-class targets only. Received a "
                f"'{kind}' target (y of shape {y.shape}). For a continuous target use SKLearnRegressor."
            )
        column = y.reshape(-1, 1) if y.ndim == 1 else y
        if reset:
            self._target_ndim = y.ndim
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError(
                    "SKLearnClassifier needs at least 2 classes to train; y has only one class: "
                    f"{self.classes_[0].item()!r}."
                )
            self._target_encoder = OneHotEncoder(sparse_output=False, handle_unknown="ignore").fit(column)
        return self._target_encoder.transform(column)

    def _decode_target(self, output: np.ndarray) -> np.ndarray:
        labels = self._target_encoder.categories_[0][np.argmax(output, axis=1)]
        return labels if self._target_ndim == 1 else labels.reshape(-1, 1)

    def decision_function(self, X: Any) -> np.ndarray:
        """The model's raw output for ``X`` (one column per class)."""
        return self._model_output(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities for ``X``, ``(n_samples, n_classes)`` in the order of ``classes_``.

        The model's output, taken as probabilities (the model ends in a softmax).  Not in Keras's
        wrapper: strata adds it so that scorers such as ``"neg_log_loss"`` and ``"roc_auc"`` work.
        """
        return self._model_output(X)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # a few epochs of a small network
        return tags

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"non_deterministic": True, "poor_score": True}
