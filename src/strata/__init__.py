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
from strata import initializers as initializers
from strata import layers as layers
from strata import losses as losses
from strata import mixed_precision as mixed_precision
from strata import metrics as metrics
from strata import models as models
from strata import ops as ops
from strata import optimizers as optimizers
from strata import regularizers as regularizers
from strata import utils as utils
from strata.core.keras_tensor import KerasTensor as KerasTensor
from strata.core.variable import Variable as Variable
from strata.layers import Input as Input
from strata.layers import Layer as Layer
from strata.models import Model as Model
from strata.models import Sequential as Sequential

# -- version (course issue 13 §4) --------------------------------------------------------------------
# Tools that accept any Keras-API module (KerasTuner, AutoKeras) parse ``__version__`` and treat
# anything below 3.0 as tf.keras 2, which sends them to TensorFlow.  strata therefore reports the
# Keras API release it reproduces, with its own release as a PEP 440 local label:
# ``"3.15.1+strata.0.1.0"`` parses as 3.15.1, and still says which strata is running.
_KERAS_API_VERSION = "3.15.1"
_STRATA_VERSION = "0.1.0"
__version__ = f"{_KERAS_API_VERSION}+strata.{_STRATA_VERSION}"


def version() -> str:
    """The version string, as ``keras.version()`` returns it.

    Example:
        >>> import strata
        >>> strata.version()
        '3.15.1+strata.0.1.0'
    """
    return __version__


# -- lazily loaded optional subsystems --------------------------------------------------------------
# Each loads on first touch (``strata.explain``, ``strata.applications``, ...), so ``import strata``
# stays light (issue 16 §5): a course program pays only for what it uses.
_LAZY_SUBMODULES = {"explain", "tuner", "wrappers", "applications", "datasets", "preprocessing", "cli",
                    "distribution"}


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"strata.{name}")
    raise AttributeError(f"module 'strata' has no attribute {name!r}")
