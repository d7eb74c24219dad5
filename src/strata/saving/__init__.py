"""Saving and loading (``keras.saving``): ``.keras`` files, ``.weights.h5`` files, JSON configs.

Files use Keras 3's formats, so models move between strata and Keras in both directions.
Loading never unpickles and never runs code from a file unless ``safe_mode=False``; every write
goes to a temporary file that is renamed into place.
"""

from strata.saving.api import load_model as load_model
from strata.saving.api import load_weights as load_weights
from strata.saving.api import save_model as save_model
from strata.saving.api import save_weights as save_weights
from strata.saving.errors import ModelFileError as ModelFileError
from strata.saving.keras_object import deserialize_keras_object as deserialize_keras_object
from strata.saving.keras_object import serialize_keras_object as serialize_keras_object
from strata.saving.model_config import model_from_json as model_from_json
from strata.saving.model_config import model_to_json as model_to_json
from strata.saving.object_registration import CustomObjectScope as CustomObjectScope
from strata.saving.object_registration import custom_object_scope as custom_object_scope
from strata.saving.object_registration import get_registered_name as get_registered_name
from strata.saving.object_registration import get_registered_object as get_registered_object
from strata.saving.object_registration import register_keras_serializable as register_keras_serializable
from strata.saving.object_registration import register_serializable as register_serializable
from strata.saving.serialization import UnknownObjectError as UnknownObjectError
