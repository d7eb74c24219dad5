"""Models (``keras.models``)."""

from strata.models.functional import Functional as Functional
from strata.models.model import Model as Model
from strata.models.sequential import Sequential as Sequential
from strata.models.cloning import clone_model as clone_model
from strata.saving.api import load_model as load_model
from strata.saving.model_config import model_from_json as model_from_json
