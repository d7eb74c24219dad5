"""Learning-rate schedules (``keras.optimizers.schedules``)."""

from strata.optimizers.schedules.learning_rate_schedule import CosineDecay as CosineDecay
from strata.optimizers.schedules.learning_rate_schedule import (
    CosineDecayRestarts as CosineDecayRestarts,
)
from strata.optimizers.schedules.learning_rate_schedule import ExponentialDecay as ExponentialDecay
from strata.optimizers.schedules.learning_rate_schedule import InverseTimeDecay as InverseTimeDecay
from strata.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule as LearningRateSchedule,
)
from strata.optimizers.schedules.learning_rate_schedule import (
    PiecewiseConstantDecay as PiecewiseConstantDecay,
)
from strata.optimizers.schedules.learning_rate_schedule import PolynomialDecay as PolynomialDecay
from strata.optimizers.schedules.learning_rate_schedule import deserialize as deserialize
from strata.optimizers.schedules.learning_rate_schedule import get as get
from strata.optimizers.schedules.learning_rate_schedule import serialize as serialize
