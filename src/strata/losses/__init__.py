"""Losses with Keras 3's names, defaults and numbers (``keras.losses``).

Every loss exists as a class (``MeanSquaredError``: weighting and reduction included), as a
function returning per-sample values (``mean_squared_error``) and as a string for ``compile``
(``"mse"``, ``"mean_squared_error"``, ``"MeanSquaredError"``), resolved by :func:`get`.
"""

from strata.losses.crossentropy import BinaryCrossentropy as BinaryCrossentropy
from strata.losses.crossentropy import CategoricalCrossentropy as CategoricalCrossentropy
from strata.losses.crossentropy import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from strata.losses.crossentropy import binary_crossentropy as binary_crossentropy
from strata.losses.crossentropy import categorical_crossentropy as categorical_crossentropy
from strata.losses.crossentropy import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from strata.losses.focal import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from strata.losses.focal import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from strata.losses.focal import binary_focal_crossentropy as binary_focal_crossentropy
from strata.losses.focal import categorical_focal_crossentropy as categorical_focal_crossentropy
from strata.losses.loss import Loss as Loss
from strata.losses.loss import LossFunctionWrapper as LossFunctionWrapper
from strata.losses.loss import reduce_weighted_values as reduce_weighted_values
from strata.losses.loss import squeeze_or_expand_to_same_rank as squeeze_or_expand_to_same_rank
from strata.losses.margin import CategoricalHinge as CategoricalHinge
from strata.losses.margin import Hinge as Hinge
from strata.losses.margin import SquaredHinge as SquaredHinge
from strata.losses.margin import categorical_hinge as categorical_hinge
from strata.losses.margin import hinge as hinge
from strata.losses.margin import squared_hinge as squared_hinge
from strata.losses.probabilistic import CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy
from strata.losses.probabilistic import KLDivergence as KLDivergence
from strata.losses.probabilistic import Poisson as Poisson
from strata.losses.probabilistic import categorical_generalized_cross_entropy as categorical_generalized_cross_entropy
from strata.losses.probabilistic import kl_divergence as kl_divergence
from strata.losses.probabilistic import poisson as poisson
from strata.losses.regression import CosineSimilarity as CosineSimilarity
from strata.losses.regression import Huber as Huber
from strata.losses.regression import LogCosh as LogCosh
from strata.losses.regression import MeanAbsoluteError as MeanAbsoluteError
from strata.losses.regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from strata.losses.regression import MeanSquaredError as MeanSquaredError
from strata.losses.regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from strata.losses.regression import cosine_similarity as cosine_similarity
from strata.losses.regression import huber as huber
from strata.losses.regression import log_cosh as log_cosh
from strata.losses.regression import mean_absolute_error as mean_absolute_error
from strata.losses.regression import mean_absolute_percentage_error as mean_absolute_percentage_error
from strata.losses.regression import mean_squared_error as mean_squared_error
from strata.losses.regression import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from strata.losses.segmentation import Dice as Dice
from strata.losses.segmentation import Tversky as Tversky
from strata.losses.segmentation import dice as dice
from strata.losses.segmentation import tversky as tversky
from strata.losses.sequence import CTC as CTC
from strata.losses.sequence import ctc as ctc
from strata.losses.serialization import LOSSES as LOSSES
from strata.losses.serialization import deserialize as deserialize
from strata.losses.serialization import get as get
from strata.losses.serialization import serialize as serialize
from strata.losses.similarity import Circle as Circle
from strata.losses.similarity import circle as circle

# Short aliases Keras resolves (``keras.losses.get("mse")``); also importable, as in tf.keras.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
bce = BCE = binary_crossentropy
