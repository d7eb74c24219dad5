"""Metrics with Keras 3's names, defaults, state variables and numbers (``keras.metrics``).

Every metric is a :class:`Metric` with ``update_state`` / ``result`` / ``reset_state`` and their
pure forms (``stateless_update_state`` ...) that the compiled training step uses.  Strings
resolve with :func:`get` (``"mae"``, ``"binary_accuracy"``, ``"AUC"``); the per-sample functions
(``binary_accuracy``, ``mean_absolute_error`` ...) can be wrapped in :class:`MeanMetricWrapper`.
"""

from strata.losses.crossentropy import binary_crossentropy as binary_crossentropy
from strata.losses.crossentropy import categorical_crossentropy as categorical_crossentropy
from strata.losses.crossentropy import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from strata.losses.focal import binary_focal_crossentropy as binary_focal_crossentropy
from strata.losses.focal import categorical_focal_crossentropy as categorical_focal_crossentropy
from strata.losses.margin import categorical_hinge as categorical_hinge
from strata.losses.margin import hinge as hinge
from strata.losses.margin import squared_hinge as squared_hinge
from strata.losses.probabilistic import kl_divergence as kl_divergence
from strata.losses.probabilistic import poisson as poisson
from strata.losses.regression import huber as huber
from strata.losses.regression import log_cosh as log_cosh
from strata.losses.regression import mean_absolute_error as mean_absolute_error
from strata.losses.regression import mean_absolute_percentage_error as mean_absolute_percentage_error
from strata.losses.regression import mean_squared_error as mean_squared_error
from strata.losses.regression import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from strata.metrics.accuracy import Accuracy as Accuracy
from strata.metrics.accuracy import BinaryAccuracy as BinaryAccuracy
from strata.metrics.accuracy import CategoricalAccuracy as CategoricalAccuracy
from strata.metrics.accuracy import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from strata.metrics.accuracy import SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy
from strata.metrics.accuracy import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from strata.metrics.accuracy import binary_accuracy as binary_accuracy
from strata.metrics.accuracy import categorical_accuracy as categorical_accuracy
from strata.metrics.accuracy import sparse_categorical_accuracy as sparse_categorical_accuracy
from strata.metrics.accuracy import sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy
from strata.metrics.accuracy import top_k_categorical_accuracy as top_k_categorical_accuracy
from strata.metrics.auc import AUC as AUC
from strata.metrics.confusion import FalseNegatives as FalseNegatives
from strata.metrics.confusion import FalsePositives as FalsePositives
from strata.metrics.confusion import Precision as Precision
from strata.metrics.confusion import Recall as Recall
from strata.metrics.confusion import TrueNegatives as TrueNegatives
from strata.metrics.confusion import TruePositives as TruePositives
from strata.metrics.metric import Metric as Metric
from strata.metrics.probabilistic import BinaryCrossentropy as BinaryCrossentropy
from strata.metrics.probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from strata.metrics.probabilistic import CategoricalHinge as CategoricalHinge
from strata.metrics.probabilistic import Hinge as Hinge
from strata.metrics.probabilistic import KLDivergence as KLDivergence
from strata.metrics.probabilistic import Poisson as Poisson
from strata.metrics.probabilistic import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from strata.metrics.probabilistic import SquaredHinge as SquaredHinge
from strata.metrics.r2_score import R2Score as R2Score
from strata.metrics.reduction import Mean as Mean
from strata.metrics.reduction import MeanMetricWrapper as MeanMetricWrapper
from strata.metrics.reduction import Sum as Sum
from strata.metrics.regression import CosineSimilarity as CosineSimilarity
from strata.metrics.regression import LogCoshError as LogCoshError
from strata.metrics.regression import MeanAbsoluteError as MeanAbsoluteError
from strata.metrics.regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from strata.metrics.regression import MeanSquaredError as MeanSquaredError
from strata.metrics.regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from strata.metrics.regression import RootMeanSquaredError as RootMeanSquaredError
from strata.metrics.serialization import ALL_OBJECTS_DICT as ALL_OBJECTS_DICT
from strata.metrics.serialization import deserialize as deserialize
from strata.metrics.serialization import get as get
from strata.metrics.serialization import serialize as serialize

# Short aliases of the function forms, as in tf.keras (``keras.metrics.mse`` ...).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
