"""``strata.tuner``: hyperparameter search with KerasTuner's API (``from strata import tuner as kt``).

Loaded on first use (``strata.tuner`` is imported lazily by ``import strata``).  Values are drawn by
Optuna's samplers; the search state on disk is JSON, laid out as KerasTuner lays it out.

* :class:`HyperParameters` (``Int``, ``Float``, ``Choice``, ``Boolean``, ``Fixed``, conditional scopes),
  :class:`HyperModel`, :class:`Objective`.
* Tuners :class:`RandomSearch`, :class:`GridSearch`, :class:`BayesianOptimization`, :class:`Hyperband`.
"""

from strata.tuner.hypermodel import HyperModel as HyperModel
from strata.tuner.hyperparameters import HyperParameters as HyperParameters
from strata.tuner.objective import Objective as Objective
from strata.tuner.oracle import Oracle as Oracle
from strata.tuner.trial import Trial as Trial
from strata.tuner.tuner import Tuner as Tuner
from strata.tuner.tuners import BayesianOptimization as BayesianOptimization
from strata.tuner.tuners import GridSearch as GridSearch
from strata.tuner.tuners import Hyperband as Hyperband
from strata.tuner.tuners import RandomSearch as RandomSearch

# the learning-rate sweep (issue 14 §3)
from strata.tuner.lr_find import LRFindResult as LRFindResult
from strata.tuner.lr_find import lr_find as lr_find
