"""Utilities (``keras.utils``)."""

from strata.datasets._download import get_file as get_file
from strata.utils.numerical import normalize as normalize
from strata.utils.numerical import to_categorical as to_categorical
from strata.utils.rng import set_random_seed as set_random_seed
from strata.utils.progbar import Progbar as Progbar
from strata.utils.plot_history import plot_history as plot_history
from strata.utils.py_dataset import PyDataset as PyDataset
from strata.utils.image_dataset import image_dataset_from_directory as image_dataset_from_directory
from strata.utils.image_utils import array_to_img as array_to_img
from strata.utils.image_utils import img_to_array as img_to_array
from strata.utils.image_utils import load_img as load_img
from strata.utils.image_utils import save_img as save_img

# sequence and text data utilities
from strata.utils.sequence_utils import pad_sequences as pad_sequences
from strata.utils.timeseries_dataset import timeseries_dataset_from_array as timeseries_dataset_from_array
from strata.utils.text_dataset import text_dataset_from_directory as text_dataset_from_directory

# custom train steps (issue 13: Keras's JAX extension points)
from strata.training.step_data import pack_x_y_sample_weight as pack_x_y_sample_weight
from strata.training.step_data import unpack_x_y_sample_weight as unpack_x_y_sample_weight
