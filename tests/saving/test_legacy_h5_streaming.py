"""Legacy ``.h5`` weights stream into the model one dataset at a time (issue 12: a 528 MB VGG16
file must not double memory): everything is checked from metadata first, then each weight is read
into an aligned buffer that JAX adopts without a copy, and assigned before the next is read."""

import h5py
import jax
import numpy as np
import pytest

import strata
from strata import layers
from strata.core.variable import Variable
from strata.saving import legacy_h5_weights
from strata.saving.legacy_h5 import load_weights_legacy_h5


def _mlp(seed: int):
    strata.utils.set_random_seed(seed)
    dense = [layers.Dense(3, name=name) for name in ("first", "second", "third")]
    return strata.Sequential([layers.Input((4,)), *dense], name=f"mlp{seed}")


def _write(model, path):
    with h5py.File(path, "w") as f:
        legacy_h5_weights.write_model_weights(f, model, "3.15.1")
    return path


def _spy(monkeypatch):
    """Record ``("read", dataset)`` and ``("assign", variable path)`` events in call order."""
    events = []
    read, assign = legacy_h5_weights.read_dataset, Variable.assign

    def spy_read(dataset):
        events.append(("read", dataset.name))
        return read(dataset)

    def spy_assign(self, value):
        events.append(("assign", self.path))
        return assign(self, value)

    monkeypatch.setattr(legacy_h5_weights, "read_dataset", spy_read)
    monkeypatch.setattr(Variable, "assign", spy_assign)
    return events


@pytest.mark.parametrize("by_name", [False, True])
def test_each_weight_is_assigned_before_the_next_is_read(tmp_path, monkeypatch, by_name):
    source, target = _mlp(0), _mlp(1)
    path = _write(source, tmp_path / "w.h5")
    events = _spy(monkeypatch)
    load_weights_legacy_h5(target, path, by_name=by_name)
    kinds = [kind for kind, _ in events]
    assert kinds == ["read", "assign"] * len(target.weights), events
    for a, b in zip(target.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_reads_only_the_layers_the_model_has(tmp_path, monkeypatch):
    source = _mlp(0)
    target = strata.Sequential([layers.Input((3,)), layers.Dense(3, name="second")])
    path = _write(source, tmp_path / "w.h5")
    events = _spy(monkeypatch)
    load_weights_legacy_h5(target, path, by_name=True)
    assert [name for kind, name in events if kind == "read"] == ["/second/mlp0/second/kernel",
                                                                       "/second/mlp0/second/bias"]
    np.testing.assert_array_equal(target.get_layer("second").get_weights()[0],
                                  source.get_layer("second").get_weights()[0])


def test_a_shape_mismatch_is_found_before_any_data_is_read(tmp_path, monkeypatch):
    source = _mlp(0)
    target = strata.Sequential([layers.Input((4,)), layers.Dense(3, name="first"), layers.Dense(3, name="second"),
                                layers.Dense(5, name="third")])
    path = _write(source, tmp_path / "w.h5")
    before = target.get_weights()
    events = _spy(monkeypatch)
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #2 \(named third\)"):
        load_weights_legacy_h5(target, path)
    assert events == []
    for a, b in zip(target.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_read_dataset_aligns_arrays_and_keeps_scalars_and_dtypes(tmp_path):
    with h5py.File(tmp_path / "d.h5", "w") as f:
        f["matrix"] = np.arange(35, dtype="float64").reshape(5, 7)
        f["scalar"] = np.int64(7)
        f["empty"] = np.zeros((0, 3), "float32")
        matrix, scalar, empty = (legacy_h5_weights.read_dataset(f[name]) for name in ("matrix", "scalar", "empty"))
    assert matrix.ctypes.data % 64 == 0 and matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix, np.arange(35).reshape(5, 7))
    assert scalar.shape == () and scalar == 7 and scalar.dtype == np.int64
    assert empty.shape == (0, 3) and empty.dtype == np.float32


@pytest.mark.skipif(jax.default_backend() != "cpu", reason="only the CPU client adopts host buffers")
def test_the_variable_adopts_the_read_buffer_without_a_copy(tmp_path):
    with h5py.File(tmp_path / "d.h5", "w") as f:
        f["kernel"] = np.ones((64, 32), "float32")
        value = legacy_h5_weights.read_dataset(f["kernel"])
    variable = Variable(np.zeros((64, 32), "float32"), name="kernel")
    variable.assign(value)
    assert variable.value.unsafe_buffer_pointer() == value.ctypes.data
