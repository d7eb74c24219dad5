"""Callbacks: hooks into training (``keras.callbacks``)."""

from strata.callbacks.callback import Callback as Callback
from strata.callbacks.callback_list import CallbackList as CallbackList
from strata.callbacks.history import History as History
from strata.callbacks.progbar_logger import ProgbarLogger as ProgbarLogger
from strata.callbacks.tensorboard import TensorBoard as TensorBoard
from strata.callbacks.backup_and_restore import BackupAndRestore as BackupAndRestore
from strata.callbacks.model_checkpoint import ModelCheckpoint as ModelCheckpoint
from strata.callbacks.early_stopping import EarlyStopping as EarlyStopping
from strata.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau as ReduceLROnPlateau
from strata.callbacks.learning_rate_scheduler import LearningRateScheduler as LearningRateScheduler
from strata.callbacks.csv_logger import CSVLogger as CSVLogger
from strata.callbacks.lambda_callback import LambdaCallback as LambdaCallback
from strata.callbacks.terminate_on_nan import TerminateOnNaN as TerminateOnNaN
