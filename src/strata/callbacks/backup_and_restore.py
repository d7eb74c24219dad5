"""``BackupAndRestore``: resume a run that was interrupted (even by SIGKILL) where it stopped."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import numpy as np

from strata.callbacks.callback import Callback

_STATE_FILE = "training_state.npz"
_META_KEY = "meta"


def atomic_write(path: str, write: Any) -> None:
    """Call ``write(file_object)`` on a temporary file in ``path``'s folder, then rename it into place."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


class BackupAndRestore(Callback):
    """Back up the training state at every epoch end; a rerun of the same program resumes from it.

    The backup holds every variable (weights, optimizer slots), the training-step counter that keys
    dropout, the data-order seed of the run, the epoch reached and the History so far. A run that is
    killed and started again therefore finishes with the same weights and History, bit for bit, as a
    run that was never interrupted. Files are written atomically (temporary file + rename), so a
    kill during a write leaves the previous backup intact. The backup is deleted when training
    completes (``delete_checkpoint=True``).

    Args:
        backup_dir: the folder for the backup (created if needed); use one folder per program.
        save_freq: ``"epoch"`` (back up after every epoch) or ``False`` (only restore).
        double_checkpoint: accepted for Keras compatibility; the atomic write already keeps the
            previous backup valid until the new one is complete.
        delete_checkpoint: remove the backup when ``fit`` completes.
    """

    def __init__(self, backup_dir: str, save_freq: Any = "epoch", double_checkpoint: bool = False,
                 delete_checkpoint: bool = True) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError(f"`backup_dir` must be a folder path. Received: backup_dir={backup_dir!r}")
        if save_freq not in ("epoch", False):
            raise ValueError(
                "strata's BackupAndRestore backs up at epoch ends: `save_freq` must be 'epoch' or False. "
                f"Received: save_freq={save_freq!r}"
            )
        self.backup_dir = str(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint

    @property
    def _path(self) -> str:
        return os.path.join(self.backup_dir, _STATE_FILE)

    def _variables(self) -> list:
        model = self._model
        return list(model.weights) + list(model.optimizer.variables)

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not os.path.exists(self._path):
            return
        model = self.model
        variables = self._variables()
        with np.load(self._path, allow_pickle=False) as arrays:
            meta = json.loads(arrays[_META_KEY].tobytes().decode("utf-8"))
            if len(arrays.files) - 1 != len(variables):
                raise ValueError(
                    f"The backup in '{self.backup_dir}' holds {len(arrays.files) - 1} variables but the model "
                    f"and optimizer have {len(variables)}. It belongs to a different program: delete the "
                    "folder or pass another `backup_dir`."
                )
            for index, variable in enumerate(variables):
                value = arrays[str(index)]
                if value.shape != variable.shape:
                    raise ValueError(
                        f"The backup in '{self.backup_dir}' does not match the model: variable "
                        f"'{variable.path}' has shape {variable.shape}, the backup {value.shape}."
                    )
                variable.assign(value)
        model._train_steps = int(meta["train_steps"])
        model._resume_from = {"epoch": int(meta["epoch"]) + 1, "shuffle_seed": int(meta["shuffle_seed"]),
                              "history": meta["history"], "history_epochs": meta["history_epochs"]}

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq != "epoch":
            return
        model = self.model
        run = model._fit_run
        history = {key: list(values) for key, values in run.callbacks.history.history.items()}
        for key, value in (logs or {}).items():
            history.setdefault(key, []).append(value)
        meta = {"epoch": epoch, "train_steps": int(model._train_steps), "shuffle_seed": int(run.shuffle_seed),
                "history": history, "history_epochs": list(run.callbacks.history.epoch) + [epoch]}
        arrays = {str(i): np.asarray(v.value) for i, v in enumerate(self._variables())}
        arrays[_META_KEY] = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
        atomic_write(self._path, lambda file: np.savez(file, **arrays))

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and os.path.exists(self._path):
            os.remove(self._path)
