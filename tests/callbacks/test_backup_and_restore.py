"""BackupAndRestore: a run killed with SIGKILL resumes and ends bit-identical to an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

PROGRAM = r"""
import json, os, signal, sys
import numpy as np
from strata.models import Sequential
from strata.layers import Dense, Dropout, Input
from strata.callbacks import BackupAndRestore, Callback
from strata.utils import set_random_seed

backup_dir, kill_after, out, where = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

class KillAfter(Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == kill_after and where == "epoch":
            os.kill(os.getpid(), signal.SIGKILL)

class KillMidEpoch(KillAfter):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == kill_after and batch == 2:
            os.kill(os.getpid(), signal.SIGKILL)

set_random_seed(11)
rs = np.random.RandomState(0)
x = rs.rand(100, 4).astype("float32"); y = rs.rand(100, 1).astype("float32")
model = Sequential([Input((4,)), Dense(16, activation="relu"), Dropout(0.2), Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
callbacks = [BackupAndRestore(backup_dir)] if backup_dir != "-" else []
history = model.fit(x, y, epochs=8, batch_size=16, validation_split=0.2, verbose=0,
                    callbacks=callbacks + [KillAfter() if where == "epoch" else KillMidEpoch()])
with open(out, "w") as f:
    json.dump({"weights": [w.tolist() for w in model.get_weights()], "history": history.history,
               "epoch": history.epoch}, f)
"""


def _run(tmp_path, backup, kill_after, name, where):
    out = tmp_path / f"{name}.json"
    result = subprocess.run([sys.executable, "-c", PROGRAM, str(backup), str(kill_after), str(out), where],
                            capture_output=True, text=True)
    return result, out


@pytest.mark.parametrize("where", ["epoch", "batch"])  # killed right after a backup, or in the middle of an epoch
def test_sigkill_mid_training_then_rerun_equals_uninterrupted_run(tmp_path, where):
    backup = tmp_path / "backup"
    killed, out = _run(tmp_path, backup, 3, "killed", where)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists() and (backup / "training_state.npz").exists()
    resumed, resumed_out = _run(tmp_path, backup, 99, "resumed", where)
    assert resumed.returncode == 0, resumed.stderr
    reference, reference_out = _run(tmp_path, "-", 99, "reference", where)
    assert reference.returncode == 0, reference.stderr
    resumed_result = json.loads(resumed_out.read_text())
    reference_result = json.loads(reference_out.read_text())
    assert resumed_result == reference_result
    assert resumed_result["epoch"] == list(range(8))
    assert not (backup / "training_state.npz").exists()  # deleted after a completed run


def test_kill_during_a_backup_write_keeps_the_previous_backup(tmp_path, monkeypatch):
    from strata.callbacks import backup_and_restore

    def crash(file):
        file.write(b"partial")
        raise KeyboardInterrupt

    backup_and_restore.atomic_write(str(tmp_path / "state.npz"), lambda f: np.savez(f, a=np.arange(3)))
    with pytest.raises(KeyboardInterrupt):
        backup_and_restore.atomic_write(str(tmp_path / "state.npz"), crash)
    with np.load(tmp_path / "state.npz") as data:
        np.testing.assert_array_equal(data["a"], np.arange(3))
    assert os.listdir(tmp_path) == ["state.npz"]


def test_a_backup_from_another_model_is_refused(tmp_path):
    from strata.callbacks import BackupAndRestore
    from strata.layers import Dense, Input
    from strata.models import Sequential

    x, y = np.zeros((8, 2), "float32"), np.zeros(8, "float32")
    first = Sequential([Input((2,)), Dense(1)])
    first.compile(optimizer="sgd", loss="mse")

    class Stop(BackupAndRestore):
        def on_train_end(self, logs=None):
            pass  # keep the backup

    first.fit(x, y, epochs=1, verbose=0, callbacks=[Stop(str(tmp_path))])
    other = Sequential([Input((2,)), Dense(3), Dense(1)])
    other.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="belongs to a different program"):
        other.fit(x, y, epochs=1, verbose=0, callbacks=[BackupAndRestore(str(tmp_path))])
    with pytest.raises(ValueError, match=r"`save_freq` must be 'epoch' or False. Received: save_freq=5"):
        BackupAndRestore(str(tmp_path), save_freq=5)
