"""DataParallel on 4 virtual CPU devices equals one-device training (issue 16 §1, "Must show").

One script runs in a fresh interpreter (the device count is fixed when JAX starts) and reports
what the tests below check: losses, placements, the shardings seen inside the compiled step, the
batch-size error, streamed data, and checkpoints under the distribution.
"""

from __future__ import annotations

import numpy as np
import pytest
from dist_harness import run_script

SCRIPT = r'''
import json, os, tempfile
import jax
import numpy as np
import strata as keras
from strata import layers
D = keras.distribution

x = np.random.RandomState(0).randn(64, 5).astype("float32")
y = (x.sum(1) > 0).astype("int32")
img = np.random.RandomState(1).rand(32, 6, 6, 1).astype("float32")
img_y = (img.mean((1, 2, 3)) > 0.5).astype("int32")
seen = []

class Spy(layers.Layer):
    def call(self, t):
        jax.debug.inspect_array_sharding(t, callback=lambda s: seen.append(str(getattr(s, "spec", s))))
        return t

def mlp():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), Spy(), layers.Dense(8, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

def cnn():
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(3, 3, activation="relu"), layers.Flatten(),
                              layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model

class Batches(keras.utils.PyDataset):
    def __init__(self, size):
        super().__init__()
        self.size = size
    def __len__(self):
        return len(x) // self.size
    def __getitem__(self, i):
        return x[i * self.size:(i + 1) * self.size], y[i * self.size:(i + 1) * self.size]

def workload(tag):
    out = {}
    model = mlp()
    out["fused"] = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"]
    out["shuffled"] = model.fit(x, y, batch_size=16, epochs=2, verbose=0).history["loss"]
    per_batch = keras.callbacks.LambdaCallback(on_batch_end=lambda b, logs: None)
    out["stepwise"] = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                                callbacks=[per_batch]).history["loss"]
    out["evaluate"] = model.evaluate(x, y, batch_size=16, verbose=0)
    out["predict"] = model.predict(x, verbose=0).tolist()
    out["streamed"] = model.fit(Batches(16), epochs=1, verbose=0).history["loss"]
    out["streamed_predict"] = model.predict(Batches(16), verbose=0).tolist()
    out["kernel_spec"] = str(getattr(model.layers[1].kernel.value.sharding, "spec", None))
    out["kernel_devices"] = len(model.layers[1].kernel.value.sharding.device_set)
    out["slot_specs"] = sorted({str(getattr(v.value.sharding, "spec", None)) for v in model.optimizer.variables})
    out["cnn"] = cnn().fit(img, img_y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    return out

plain = workload("plain")
plain_seen = sorted(set(seen)); seen.clear()
dist = D.DataParallel(devices=D.list_devices())
D.set_distribution(dist)
shared = workload("dp")
shared_seen = sorted(set(seen))

errors = {}
for name, call in [("fit", lambda: mlp().fit(x, y, batch_size=6, verbose=0)),
                   ("evaluate", lambda: mlp().evaluate(x, y, batch_size=6, verbose=0)),
                   ("stream", lambda: mlp().fit(Batches(6), verbose=0))]:
    try:
        call()
    except ValueError as error:
        errors[name] = str(error)

# checkpoints under the distribution: ModelCheckpoint's file and BackupAndRestore's resume
folder = tempfile.mkdtemp()
model = mlp()
path = os.path.join(folder, "best.keras")
model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(path)])
reloaded = keras.models.load_model(path, custom_objects={"Spy": Spy})
checkpoint_gap = float(np.abs(reloaded.predict(x, verbose=0) - model.predict(x, verbose=0)).max())

class Crash(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("crash")
backup = os.path.join(folder, "backup")
model = mlp()
try:
    model.fit(x, y, batch_size=16, epochs=4, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup), Crash()])
except RuntimeError:
    pass
model = mlp()
resumed = model.fit(x, y, batch_size=16, epochs=4, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup)])
uninterrupted = mlp().fit(x, y, batch_size=16, epochs=4, verbose=0)
print(json.dumps({"plain": plain, "dp": shared, "plain_seen": plain_seen, "dp_seen": shared_seen,
                  "devices": len(jax.devices()), "errors": errors, "checkpoint_gap": checkpoint_gap,
                  "resumed_epochs": resumed.epoch, "resumed_loss": resumed.history["loss"],
                  "uninterrupted_loss": uninterrupted.history["loss"]}))
'''


@pytest.fixture(scope="module")
def report():
    return run_script(SCRIPT, devices=4, timeout=300)


@pytest.mark.parametrize("key", ["fused", "shuffled", "stepwise", "streamed", "cnn"])
def test_losses_equal_one_device_training(report, key):
    assert report["devices"] == 4
    np.testing.assert_allclose(report["dp"][key], report["plain"][key], rtol=1e-5)


def test_evaluate_and_predict_equal_one_device(report):
    np.testing.assert_allclose(report["dp"]["evaluate"], report["plain"]["evaluate"], rtol=1e-5)
    np.testing.assert_allclose(report["dp"]["predict"], report["plain"]["predict"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(report["dp"]["streamed_predict"], report["plain"]["streamed_predict"], rtol=1e-5,
                               atol=1e-6)


def test_variables_and_optimizer_state_are_replicated_on_every_device(report):
    assert report["dp"]["kernel_spec"] == "P()"
    assert report["dp"]["kernel_devices"] == 4
    assert report["dp"]["slot_specs"] == ["P()"]
    assert report["plain"]["kernel_spec"] == "None"  # without a distribution: one device, as before


def test_batches_are_split_along_the_batch_axis(report):
    assert report["dp_seen"] == ["P('batch',)"]
    assert "batch" not in "".join(report["plain_seen"])


@pytest.mark.parametrize("where", ["fit", "evaluate", "stream"])
def test_indivisible_batch_size_is_a_clear_error(report, where):
    message = report["errors"][where]
    assert "batch_size=6 does not split over the 4 devices" in message
    assert "Use a multiple of 4, e.g. batch_size=8." in message


def test_model_checkpoint_and_backup_and_restore_work_under_the_distribution(report):
    assert report["checkpoint_gap"] == 0.0
    assert report["resumed_epochs"] == [0, 1, 2, 3]
    np.testing.assert_allclose(report["resumed_loss"], report["uninterrupted_loss"], rtol=1e-5)


_ONE_COLLECTIVE = """
import glob, json, sys
import numpy as np
import strata as keras
from strata import layers

keras.distribution.set_distribution(keras.distribution.DataParallel())
rng = np.random.RandomState(0)
x, y = rng.rand(80, 6).astype("float32"), rng.randint(0, 3, 80)
model = keras.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"), layers.Dropout(0.2),
                          layers.Dense(3, activation="softmax")])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=2, batch_size=16, verbose=0)  # 5 batches, the last one padded
counts = []
for path in glob.glob(sys.argv[1] + "/*after_optimizations.txt"):
    text = open(path).read()
    if "while(" in text:  # the fused training epochs
        counts.append(text.count(" all-reduce("))
print(json.dumps(counts))
"""


def test_a_training_step_synchronises_the_devices_once(tmp_path):
    """One all-reduce per step (the gradients, with the loss and metric sums): the count of real rows
    that a padded batch's loss divides by is computed on every device, not gathered by a second
    collective that the backward pass would wait for (bench/distribution_workload.py)."""
    assert run_script(_ONE_COLLECTIVE, devices=2, args=(tmp_path,), xla_flags=f"--xla_dump_to={tmp_path}") == [1]
