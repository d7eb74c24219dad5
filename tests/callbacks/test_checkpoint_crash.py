"""A process killed (SIGKILL) in the middle of writing a checkpoint leaves the previous one loadable."""

import os
import signal
import subprocess
import sys

import numpy as np

PROGRAM = r"""
import os, signal, sys
import numpy as np
from strata.callbacks import Callback, ModelCheckpoint
from strata.layers import Dense, Input
from strata.models import Sequential

path, weights_out = sys.argv[1], sys.argv[2]
real_replace = os.replace
saves = []

def replace_then_maybe_die(src, dst):
    if os.fspath(dst) == path:  # other renames (e.g. the compiled-program cache) pass through
        saves.append(dst)
    if len(saves) == 2:  # the second checkpoint: die after writing the temporary file, before the rename
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)

os.replace = replace_then_maybe_die

class Record(Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            np.savez(weights_out, *self.model.get_weights())

x = np.random.RandomState(0).rand(32, 3).astype("float32")
model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[ModelCheckpoint(path), Record()])
"""


def test_sigkill_during_a_checkpoint_write_keeps_the_previous_checkpoint(tmp_path):
    from strata.models import load_model

    path = tmp_path / "model.keras"
    weights_out = tmp_path / "epoch1.npz"
    result = subprocess.run([sys.executable, "-c", PROGRAM, str(path), str(weights_out)],
                            capture_output=True, text=True)
    assert result.returncode == -signal.SIGKILL, result.stderr
    model = load_model(path)
    with np.load(weights_out) as saved:
        expected = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_array_equal(got, want)
    leftovers = [name for name in os.listdir(tmp_path) if name not in ("model.keras", "epoch1.npz")]
    assert all(name.startswith(".") for name in leftovers)  # only the abandoned temporary file
