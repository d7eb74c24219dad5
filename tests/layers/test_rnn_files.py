"""Recurrent models in files: strata writes what Keras reads and reads what Keras writes."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import strata

from file_roundtrip import assert_files_cross_load

RS = np.random.RandomState(4)
X = RS.standard_normal((2, 5, 3)).astype("float32")


def _build(lib):
    return lib.Sequential([
        lib.Input((5, 3)),
        lib.layers.LSTM(4, return_sequences=True),
        lib.layers.GRU(3, return_sequences=True, reset_after=False),
        lib.layers.Bidirectional(lib.layers.GRU(2, return_sequences=True)),
        lib.layers.TimeDistributed(lib.layers.Dense(2)),
        lib.layers.SimpleRNN(2),
    ])


@pytest.mark.keras
def test_files_cross_load_with_keras(keras, tmp_path):
    assert_files_cross_load(keras, tmp_path, _build, X)


def _h5_datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: found.__setitem__(name, obj.shape) if isinstance(obj, h5py.Dataset) else None)
    return found


@pytest.mark.keras
def test_weights_file_paths_equal_keras(keras, tmp_path):
    ours, theirs = _build(strata), _build(keras)
    ours.save_weights(tmp_path / "ours.weights.h5")
    theirs.save_weights(tmp_path / "theirs.weights.h5")
    found = _h5_datasets(tmp_path / "ours.weights.h5")
    assert found == _h5_datasets(tmp_path / "theirs.weights.h5")
    assert found["layers/lstm/cell/vars/0"] == (3, 16)
    assert found["layers/bidirectional/forward_layer/cell/vars/2"] == (2, 6)
    assert found["layers/bidirectional/backward_layer/cell/vars/1"] == (2, 6)
    assert found["layers/time_distributed/layer/vars/0"] == (4, 2)


def test_stateful_states_are_not_saved(tmp_path):
    model = strata.Sequential([strata.Input((5, 3), batch_size=2), strata.layers.LSTM(2, stateful=True)])
    model(X)
    model.save_weights(tmp_path / "m.weights.h5")
    assert sorted(_h5_datasets(tmp_path / "m.weights.h5")) == [f"layers/lstm/cell/vars/{i}" for i in range(3)]
    assert model.count_params() == 3 * 8 + 2 * 8 + 8
