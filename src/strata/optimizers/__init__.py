"""Optimizers and learning-rate schedules (``keras.optimizers``).

Each optimizer is a Keras-style object around a pure update function; the compiled train step
calls :meth:`Optimizer.stateless_apply`.
"""

from strata.optimizers import schedules as schedules
from strata.optimizers.adagrad import Adagrad as Adagrad
from strata.optimizers.adam import Adam as Adam
from strata.optimizers.adamax import Adamax as Adamax
from strata.optimizers.adamw import AdamW as AdamW
from strata.optimizers.nadam import Nadam as Nadam
from strata.optimizers.optimizer import Optimizer as Optimizer
from strata.optimizers.rmsprop import RMSprop as RMSprop
from strata.optimizers.serialization import deserialize as deserialize
from strata.optimizers.serialization import get as get
from strata.optimizers.serialization import serialize as serialize
from strata.optimizers.sgd import SGD as SGD

# -- mixed precision (issue 16 §3) --------------------------------------------------------------------
from strata.optimizers.loss_scale_optimizer import LossScaleOptimizer as LossScaleOptimizer  # noqa: E402
