"""Utilities (``keras.utils``)."""

from strata.datasets._download import get_file as get_file
from strata.utils.numerical import normalize as normalize
from strata.utils.numerical import to_categorical as to_categorical
from strata.utils.rng import set_random_seed as set_random_seed
from strata.utils.progbar import Progbar as Progbar
from strata.utils.plot_history import plot_history as plot_history
from strata.utils.py_dataset import PyDataset as PyDataset
