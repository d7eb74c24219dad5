"""The scikit-learn wrappers in scikit-learn's tools (GridSearchCV, cross_val_score, Pipeline), their
parameters and errors, and parity with Keras's own wrappers on the same data and weights."""

import subprocess
import sys

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import strata  # noqa: E402
from strata import layers, models  # noqa: E402
from strata.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402

QUIET = {"verbose": 0}


def classifier(X, y, units=8, learning_rate=0.05):
    model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(units, activation="relu"),
                               layers.Dense(y.shape[1], activation="softmax")])
    model.compile(optimizer=strata.optimizers.Adam(learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def regressor(X, y):
    model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(y.shape[1])])
    model.compile(optimizer=strata.optimizers.SGD(0.05), loss="mse")
    return model


def blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    labels = np.arange(n) % 3
    return centres[labels] + rng.normal(scale=0.5, size=(n, 2)), labels


def test_classifier_learns_string_labels_and_reports_classes_probabilities_and_score():
    X, labels = blobs()
    names = np.array(["cat", "dog", "emu"])[labels]
    clf = SKLearnClassifier(classifier, fit_kwargs={"epochs": 40, **QUIET}).fit(X, names)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]
    assert clf.n_features_in_ == 2 and clf.epoch_ == 40
    assert clf.model_.output_shape == (None, 3)  # the builder saw the one-hot target
    predicted = clf.predict(X)
    assert predicted.dtype == names.dtype and set(predicted) <= {"cat", "dog", "emu"}
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], predicted)
    np.testing.assert_array_equal(clf.decision_function(X), proba)
    assert clf.score(X, names) == pytest.approx(np.mean(predicted == names)) and clf.score(X, names) > 0.9
    assert set(clf.history_.history) == {"loss", "accuracy"}


def test_binary_labels_and_a_log_loss_scorer_using_predict_proba():
    X, labels = blobs()
    y = np.where(labels == 1, "yes", "no")
    clf = SKLearnClassifier(classifier, fit_kwargs={"epochs": 20, **QUIET}).fit(X, y)
    assert clf.classes_.tolist() == ["no", "yes"] and clf.predict_proba(X).shape == (60, 2)
    scores = cross_val_score(clf, X, y, cv=2, scoring="neg_log_loss")
    assert scores.shape == (2,) and np.all(scores < 0)


def test_grid_search_picks_a_hyperparameter_and_refits():
    X, y = blobs()
    search = GridSearchCV(SKLearnClassifier(classifier, fit_kwargs={"epochs": 30, **QUIET}),
                          {"model_kwargs": [{"units": 1, "learning_rate": 1e-4}, {"units": 16}]}, cv=2)
    search.fit(X, y)
    assert search.best_params_ == {"model_kwargs": {"units": 16}}
    assert search.best_estimator_.model_.layers[0].units == 16
    assert search.cv_results_["mean_test_score"][1] > search.cv_results_["mean_test_score"][0]
    assert search.best_estimator_.fit_kwargs == {"epochs": 30, **QUIET}  # kept by clone


def test_cross_val_score_and_a_pipeline_with_a_scaler():
    X, y = blobs()
    scores = cross_val_score(SKLearnClassifier(classifier, fit_kwargs={"epochs": 30, **QUIET}), X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    rng = np.random.default_rng(1)
    Xr = rng.normal(loc=100.0, scale=50.0, size=(64, 3))
    target = Xr @ np.array([1.0, -2.0, 0.5]) / 50.0
    pipe = make_pipeline(StandardScaler(), SKLearnRegressor(regressor, fit_kwargs={"epochs": 60, **QUIET}))
    pipe.fit(Xr, target)
    assert pipe.score(Xr, target) > 0.95  # R²: the scaler made SGD converge
    assert pipe.predict(Xr).shape == (64,)


def test_transformer_feeds_its_model_output_to_the_next_step():
    from sklearn.linear_model import LogisticRegression

    X, y = blobs()
    pipe = make_pipeline(SKLearnTransformer(regressor, fit_kwargs={"epochs": 5, **QUIET}), LogisticRegression())
    pipe.fit(X, y)  # the transformer's model regresses the (1-D) labels: one output column
    features = pipe[0].transform(X)
    assert features.shape == (60, 1) and features.dtype == np.float32
    np.testing.assert_allclose(features, pipe[0].model_.predict(X, verbose=0))
    assert pipe.predict(X).shape == (60,)


def test_get_params_set_params_and_clone_keep_the_four_arguments():
    est = SKLearnRegressor(regressor, warm_start=True, model_kwargs={"a": 1}, fit_kwargs={"epochs": 2})
    assert est.get_params() == {"model": regressor, "warm_start": True, "model_kwargs": {"a": 1},
                                "fit_kwargs": {"epochs": 2}}
    assert est.set_params(warm_start=False) is est and est.warm_start is False
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    assert est.__sklearn_tags__().non_deterministic and est.__sklearn_tags__().regressor_tags.poor_score
    assert SKLearnClassifier(classifier).__sklearn_tags__().classifier_tags.poor_score
    assert SKLearnTransformer(regressor).__sklearn_tags__().transformer_tags.preserves_dtype == []


def test_fit_arguments_override_fit_kwargs_for_one_call_without_changing_them():
    X, y = blobs()
    est = SKLearnRegressor(regressor, fit_kwargs={"epochs": 3, **QUIET})
    est.fit(X, y.astype(float), epochs=1)
    assert est.epoch_ == 1 and est.fit_kwargs == {"epochs": 3, **QUIET}
    est.fit(X, y.astype(float))
    assert est.epoch_ == 3


def test_a_model_instance_is_cloned_compiled_unless_warm_start():
    X, y = blobs()
    given = regressor(X, y.reshape(-1, 1))
    before = [w.copy() for w in given.get_weights()]
    est = SKLearnRegressor(given, fit_kwargs={"epochs": 2, **QUIET}).fit(X, y.astype(float))
    assert est.model_ is not given and est.model_.compiled
    assert type(est.model_.optimizer).__name__ == "SGD"
    for a, b in zip(given.get_weights(), before):
        np.testing.assert_array_equal(a, b)  # the given model is untouched
    warm = SKLearnRegressor(given, warm_start=True, fit_kwargs={"epochs": 2, **QUIET}).fit(X, y.astype(float))
    assert warm.model_ is given
    first = [w.copy() for w in given.get_weights()]
    warm.fit(X, y.astype(float))
    assert warm.model_ is given and int(given.optimizer.iterations.numpy()) == 2 * 2 * 2
    assert not np.array_equal(first[0], given.get_weights()[0])


def test_errors_name_the_problem():
    X, y = blobs()
    with pytest.raises(ValueError, match="needs at least 2 classes to train; y has only one class: 'a'"):
        SKLearnClassifier(classifier, fit_kwargs=QUIET).fit(X, np.array(["a"] * 60))
    with pytest.raises(ValueError, match="binary and multi-class targets only. Received a 'continuous'"):
        SKLearnClassifier(classifier, fit_kwargs=QUIET).fit(X, X[:, 0])

    def uncompiled(X, y):
        return models.Sequential([layers.Input((2,)), layers.Dense(1)])

    with pytest.raises(RuntimeError, match=r"must be compiled with a loss and an optimizer.*compiled=False"):
        SKLearnRegressor(uncompiled).fit(X, y)
    with pytest.raises(TypeError, match="`model` must be a compiled strata Model or a callable"):
        SKLearnRegressor("not a model").fit(X, y)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SKLearnClassifier(classifier).predict(X)


def test_without_scikit_learn_building_a_wrapper_says_how_to_install_it(monkeypatch):
    from strata.wrappers import sklearn_base

    monkeypatch.setattr(sklearn_base, "sklearn", None)
    with pytest.raises(ImportError, match=r"SKLearnClassifier requires scikit-learn.*`pip install scikit-learn`"):
        SKLearnClassifier(classifier)


def test_import_strata_does_not_import_scikit_learn():
    program = ("import sys, strata\nassert 'sklearn' not in sys.modules and 'strata.wrappers' not in sys.modules\n"
               "w = strata.wrappers\nassert w.SKLearnRegressor.__name__ == 'SKLearnRegressor'\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_docstring_examples_run():
    import doctest

    from strata.wrappers import sklearn_classifier, sklearn_regressor, sklearn_transformer

    for module in (sklearn_classifier, sklearn_regressor, sklearn_transformer):
        failed, attempted = doctest.testmod(module, raise_on_error=False)[:2]
        assert attempted > 0 and failed == 0, module.__name__


def _with_weights(lib, weights):
    def build(X, y):
        model = lib.Sequential([lib.Input((X.shape[1],)), lib.layers.Dense(4, activation="tanh"),
                                lib.layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="categorical_crossentropy")
        model.set_weights(weights)
        return model
    return build


@pytest.mark.keras
def test_parity_with_keras_wrappers_on_the_same_weights(keras):
    from keras.wrappers import SKLearnClassifier as KerasClassifier

    X, y = blobs(n=24)
    rng = np.random.default_rng(3)
    weights = [rng.normal(size=(2, 4)).astype("float32"), np.zeros(4, "float32"),
               rng.normal(size=(4, 3)).astype("float32"), np.zeros(3, "float32")]
    fit = {"epochs": 3, "batch_size": 8, "shuffle": False, "verbose": 0}
    ours = SKLearnClassifier(_with_weights(strata, weights), fit_kwargs=fit).fit(X, y)
    theirs = KerasClassifier(_with_weights(keras, weights), fit_kwargs=fit).fit(X, y)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_allclose(ours.history_.history["loss"], theirs.history_.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == theirs.score(X, y)
    assert sorted(ours.get_params()) == sorted(theirs.get_params())
