"""ModelParallel on a 2x2 mesh of virtual CPU devices: layouts as declared, numbers as on one device,
and a model saved under the distribution loads on one device with identical predictions."""

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

x = np.random.RandomState(0).randn(32, 6).astype("float32")
y = np.random.RandomState(1).randn(32, 4).astype("float32")
mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=D.list_devices())
layout_map = D.LayoutMap(mesh)
layout_map[".*d1/kernel"] = (None, "model")
layout_map[".*d1/bias"] = ("model",)
dist = D.ModelParallel(layout_map=layout_map)

def build():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="tanh", name="d1"),
                              layers.Dense(4, name="d2")])
    model.compile(optimizer="adam", loss="mse")
    return model

def shards(array):
    return sorted([shard.device.id, list(shard.data.shape), shard.index[1].start or 0]
                  for shard in array.addressable_shards)

plain = build()
plain_out = plain.predict(x, verbose=0)
plain_loss = plain.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
plain_after = plain.predict(x, verbose=0)
folder = tempfile.mkdtemp()
with dist.scope():
    model = build()
    out = model.predict(x, verbose=0)
    loss = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    after = model.predict(x, verbose=0)
    d1, d2 = model.get_layer("d1"), model.get_layer("d2")
    report = {
        "kernel_spec": str(d1.kernel.value.sharding.spec), "bias_spec": str(d1.bias.value.sharding.spec),
        "d2_spec": str(d2.kernel.value.sharding.spec), "kernel_shards": shards(d1.kernel.value),
        "slots": {v.name: str(v.value.sharding.spec) for v in model.optimizer.variables},
    }
    model.save(os.path.join(folder, "model.keras"))
    model.save_weights(os.path.join(folder, "model.weights.h5"))
    try:
        model.fit(x, y, batch_size=5, verbose=0)
    except ValueError as error:
        report["error"] = str(error)
assert D.distribution() is None
loaded = keras.models.load_model(os.path.join(folder, "model.keras"))
fresh = build()
fresh.load_weights(os.path.join(folder, "model.weights.h5"))
report.update({
    "out_gap": float(np.abs(out - plain_out).max()), "after_gap": float(np.abs(after - plain_after).max()),
    "loss": loss, "plain_loss": plain_loss,
    "loaded_gap": float(np.abs(loaded.predict(x, verbose=0) - after).max()),
    "weights_gap": float(np.abs(fresh.predict(x, verbose=0) - loaded.predict(x, verbose=0)).max()),
    "loaded_device": str(type(loaded.get_layer("d1").kernel.value.sharding).__name__),
})
print(json.dumps(report))
'''


@pytest.fixture(scope="module")
def report():
    return run_script(SCRIPT, devices=4, timeout=240)


def test_layouts_are_placed_as_declared(report):
    assert report["kernel_spec"] == "P(None, 'model')"
    assert report["bias_spec"] == "P('model',)"
    assert report["d2_spec"] == "P()"  # not in the layout map: replicated
    # the 8 output columns split in two along "model"; each half on the 2 devices of the "batch" axis
    assert sorted(column for _, _, column in report["kernel_shards"]) == [0, 0, 4, 4]
    assert [shape for _, shape, _ in report["kernel_shards"]] == [[6, 4]] * 4
    assert sorted(device for device, _, _ in report["kernel_shards"]) == [0, 1, 2, 3]


def test_optimizer_slots_follow_their_variable(report):
    slots = report["slots"]
    assert [spec for name, spec in slots.items() if name.endswith("d1_kernel_momentum")] == ["P(None, 'model')"]
    assert [spec for name, spec in slots.items() if name.endswith("d1_bias_velocity")] == ["P('model',)"]
    assert [spec for name, spec in slots.items() if name.endswith("d2_kernel_momentum")] == ["P()"]
    assert slots["iteration"] == "P()"


def test_outputs_and_training_equal_one_device(report):
    assert report["out_gap"] < 1e-6
    np.testing.assert_allclose(report["loss"], report["plain_loss"], rtol=1e-5)
    assert report["after_gap"] < 1e-5


def test_saved_under_the_distribution_loads_on_one_device(report):
    assert report["loaded_gap"] < 1e-6  # one device vs the 2x2 mesh: the order of sums may differ
    assert report["weights_gap"] == 0.0  # .keras and .weights.h5 hold the very same (gathered) values
    assert report["loaded_device"] == "SingleDeviceSharding"


def test_batch_size_must_split_over_the_batch_axis_only(report):
    assert "batch_size=5 does not split over the 2 devices of the distribution's 'batch' axis" in report["error"]
