"""Utilities (``keras.utils``)."""

from strata.utils.numerical import normalize as normalize
from strata.utils.numerical import to_categorical as to_categorical
from strata.utils.rng import set_random_seed as set_random_seed
from strata.utils.progbar import Progbar as Progbar
from strata.utils.py_dataset import PyDataset as PyDataset

# sequence and text data utilities
from strata.utils.sequence_utils import pad_sequences as pad_sequences

# custom train steps (issue 13: Keras's JAX extension points)
from strata.training.step_data import pack_x_y_sample_weight as pack_x_y_sample_weight
from strata.training.step_data import unpack_x_y_sample_weight as unpack_x_y_sample_weight

# model graph drawing without graphviz (issue 14 §4)
from strata.utils.plot_history import plot_history as plot_history
from strata.utils.plot_model import plot_model as plot_model

# -- loaded on first use (issue 16 §5: `import strata` under a second) ----------------------------
# downloads, image files and image/text/timeseries datasets.  (A name equal to its submodule's,
# such as plot_model, stays eager: importing the submodule would rebind the name to the module.)
from strata.core.lazy import lazy_attributes  # noqa: E402

__getattr__, __dir__ = lazy_attributes(__name__, {
    "get_file": "strata.datasets._download:get_file",
    "image_dataset_from_directory": "strata.utils.image_dataset:image_dataset_from_directory",
    "array_to_img": "strata.utils.image_utils:array_to_img",
    "img_to_array": "strata.utils.image_utils:img_to_array",
    "load_img": "strata.utils.image_utils:load_img",
    "save_img": "strata.utils.image_utils:save_img",
    "timeseries_dataset_from_array": "strata.utils.timeseries_dataset:timeseries_dataset_from_array",
    "text_dataset_from_directory": "strata.utils.text_dataset:text_dataset_from_directory",
})
