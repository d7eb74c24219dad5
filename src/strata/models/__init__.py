"""Models (``keras.models``)."""

from strata.models.functional import Functional as Functional
from strata.models.model import Model as Model
from strata.models.sequential import Sequential as Sequential
from strata.models.cloning import clone_model as clone_model
