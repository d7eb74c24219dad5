"""scikit-learn's own estimator checks on the three wrappers.

The checks that fail are listed with the reason; each is a property of wrapping a neural network
(the same list as Keras's own wrapper tests, plus two that follow from ``predict_proba``):

* training is seeded but not repeated: two ``fit`` calls in one process draw different initial
  weights and shuffles (as in Keras), so checks that fit twice and compare predictions fail;
* a few epochs of a small network do not reach the scores some checks require;
* ``decision_function`` returns one column per class (Keras's contract), while scikit-learn wants a
  1-D score for binary problems.
"""

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from strata import layers, models  # noqa: E402
from strata.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402


class _Build:
    """The model builder, with a stable repr: test ids embed it, and pytest-xdist's workers must
    collect the same ids (a plain function's repr holds its memory address)."""

    def __call__(self, X, y, loss="categorical_crossentropy", activation="softmax"):
        model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(8, activation="relu"),
                                   layers.Dense(y.shape[1], activation=activation)])
        model.compile(optimizer="adam", loss=loss)
        return model

    def __repr__(self) -> str:
        return "build"


build = _Build()


NOT_REPEATABLE = "two fits draw different initial weights and shuffles (seeded, but not reset per fit)"
EXPECTED_FAILED = {
    "SKLearnClassifier": {
        "check_classifier_data_not_an_array": NOT_REPEATABLE,
        "check_supervised_y_2d": NOT_REPEATABLE,
        "check_fit_idempotent": NOT_REPEATABLE,
        "check_classifiers_one_label_sample_weights": "zero sample weights still leave the class in the model",
        "check_classifiers_classes": "decision_function has one column per class, also for binary targets",
        "check_decision_proba_consistency": "decision_function has one column per class, also for binary targets",
        "check_classifiers_train": "decision_function has one column per class; 5 epochs give a low accuracy",
    },
    "SKLearnRegressor": {
        "check_regressor_data_not_an_array": NOT_REPEATABLE,
        "check_supervised_y_2d": NOT_REPEATABLE,
        "check_regressors_int": NOT_REPEATABLE,
        "check_fit_idempotent": NOT_REPEATABLE,
    },
    "SKLearnTransformer": {
        "check_fit_idempotent": NOT_REPEATABLE,
    },
}
ESTIMATORS = [
    SKLearnClassifier(build, fit_kwargs={"epochs": 5, "verbose": 0}),
    SKLearnRegressor(build, model_kwargs={"loss": "mse", "activation": None}, fit_kwargs={"verbose": 0}),
    SKLearnTransformer(build, model_kwargs={"loss": "mse", "activation": None}, fit_kwargs={"verbose": 0}),
]


@pytest.mark.slow  # ~140 checks, each fitting a small network: about a minute or two on 2 cores
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED[type(est).__name__])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
