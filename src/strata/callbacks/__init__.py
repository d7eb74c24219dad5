"""Callbacks: hooks into training (``keras.callbacks``)."""

from strata.callbacks.callback import Callback as Callback
from strata.callbacks.callback_list import CallbackList as CallbackList
from strata.callbacks.history import History as History
from strata.callbacks.progbar_logger import ProgbarLogger as ProgbarLogger
from strata.callbacks.tensorboard import TensorBoard as TensorBoard
from strata.callbacks.backup_and_restore import BackupAndRestore as BackupAndRestore
from strata.callbacks.model_checkpoint import ModelCheckpoint as ModelCheckpoint
