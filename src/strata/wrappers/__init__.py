"""scikit-learn wrappers (``keras.wrappers``): strata models as scikit-learn estimators.

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` let a strata model take part
in ``GridSearchCV``, ``cross_val_score`` and ``Pipeline``.  scikit-learn is an optional dependency
(``pip install scikit-learn``, or strata's ``test`` extra); this package imports without it, and
building a wrapper without it raises an ``ImportError`` that says how to install it.
``import strata`` does not import this package until ``strata.wrappers`` is first touched.
"""

from strata.wrappers.sklearn_classifier import SKLearnClassifier as SKLearnClassifier
from strata.wrappers.sklearn_regressor import SKLearnRegressor as SKLearnRegressor
from strata.wrappers.sklearn_transformer import SKLearnTransformer as SKLearnTransformer
