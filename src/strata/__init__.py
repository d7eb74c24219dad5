"""strata: the Keras API on one engine, JAX.

Course code written for Keras runs when its imports say ``strata``::

    from strata.models import Sequential
    from strata.layers import Dense
    import strata as keras
"""

from strata import activations as activations
from strata import backend as backend
from strata import callbacks as callbacks
from strata import config as config
from strata import constraints as constraints
from strata import datasets as datasets
from strata import initializers as initializers
from strata import layers as layers
from strata import losses as losses
from strata import metrics as metrics
from strata import models as models
from strata import ops as ops
from strata import optimizers as optimizers
from strata import preprocessing as preprocessing
from strata import regularizers as regularizers
from strata import utils as utils
from strata.core.keras_tensor import KerasTensor as KerasTensor
from strata.core.variable import Variable as Variable
from strata.layers import Input as Input
from strata.layers import Layer as Layer
from strata.models import Model as Model
from strata.models import Sequential as Sequential

__version__ = "0.1.0"


# -- lazily loaded optional subsystems (explain: course issue 12 §4) ---------------------------------
# ``strata.explain`` (and the matplotlib it draws with) loads on first touch, keeping
# ``import strata`` light.  Other optional subsystems can join this table.
_LAZY_SUBMODULES = {"explain"}


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"strata.{name}")
    raise AttributeError(f"module 'strata' has no attribute {name!r}")
