"""`.keras`, `.weights.h5` and legacy `.h5` files move between strata and real Keras 3.15 with identical
predictions (the difference is exactly 0: the weights are carried bit for bit)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import strata
from saving_cases import BUILDERS, LEGACY_KINDS, copy_weights, max_diff, predict

pytestmark = pytest.mark.keras
KINDS = sorted(BUILDERS)


# Full-model files: Keras 3's zip for every kind, legacy HDF5 for the kinds it can describe.
FILES = [(".keras", kind) for kind in KINDS] + [(".h5", kind) for kind in LEGACY_KINDS]


@pytest.mark.parametrize("suffix,kind", FILES)
def test_strata_model_file_loads_in_keras_identically(keras, tmp_path, suffix, kind):
    build, inputs = BUILDERS[kind]
    model = build(strata)
    model.compile(optimizer="adam", loss="mean_squared_error")
    path = tmp_path / f"m{suffix}"
    legacy = pytest.warns(UserWarning, match="considered legacy") if suffix == ".h5" else contextlib.nullcontext()
    with legacy:
        model.save(path)
    build(keras)  # registers Keras's Tower for the subclassed case
    loaded = keras.models.load_model(path)
    assert max_diff(predict(loaded, inputs()), predict(model, inputs())) == 0.0
    assert [w.shape for w in loaded.get_weights()] == [w.shape for w in model.get_weights()]
    assert type(loaded.optimizer).__name__ == "Adam"
    if suffix == ".h5":
        assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
        if kind != "sequential":
            assert loaded.output_names == model.output_names


@pytest.mark.parametrize("suffix,kind", FILES)
def test_keras_model_file_loads_in_strata_identically(keras, tmp_path, suffix, kind):
    build, inputs = BUILDERS[kind]
    reference = build(keras)
    reference.compile(optimizer="sgd", loss="mse")
    reference.save(tmp_path / f"k{suffix}")
    build(strata)  # registers strata's Tower
    loaded = strata.models.load_model(tmp_path / f"k{suffix}")
    assert max_diff(predict(loaded, inputs()), predict(reference, inputs())) == 0.0
    assert loaded.compiled and type(loaded.optimizer).__name__ == "SGD"
    if suffix == ".h5":
        assert [layer.name for layer in loaded.layers] == [layer.name for layer in reference.layers]
    if kind == "wide_and_deep":
        assert loaded.output_names == reference.output_names == ["output", "aux_output"]


@pytest.mark.parametrize("kind", KINDS)
def test_weights_files_cross_load_both_ways(keras, tmp_path, kind):
    build, inputs = BUILDERS[kind]
    ours, theirs = build(strata), build(keras)
    ours.save_weights(tmp_path / "s.weights.h5")
    theirs.load_weights(tmp_path / "s.weights.h5")
    assert max_diff(predict(theirs, inputs()), predict(ours, inputs())) == 0.0

    fresh_keras = build(keras)
    fresh_keras.save_weights(tmp_path / "k.weights.h5")
    ours.load_weights(tmp_path / "k.weights.h5")
    assert max_diff(predict(ours, inputs()), predict(fresh_keras, inputs())) == 0.0


def test_trained_optimizer_state_loads_in_keras(keras, tmp_path):
    build, inputs = BUILDERS["sequential"]
    model = build(strata)
    model.compile(optimizer="adam", loss="mse")
    model.fit(inputs(), np.ones((6, 2), "float32"), epochs=3, batch_size=2, verbose=0, shuffle=False)
    model.save(tmp_path / "trained.keras")
    loaded = keras.models.load_model(tmp_path / "trained.keras")
    assert int(loaded.optimizer.iterations) == 9
    ours = [np.asarray(v.value) for v in model.optimizer.variables]
    theirs = [np.asarray(v) for v in loaded.optimizer.variables]
    assert len(ours) == len(theirs) == 10
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_functional_layer_names_survive_a_round_trip(keras, tmp_path):
    model = BUILDERS["functional"][0](strata)
    model.save(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    again = strata.models.load_model(tmp_path / "f.keras")
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert again.output_names == ["o1", "o2"]


def test_copying_weights_is_enough_for_identical_keras_predictions(keras):
    build, inputs = BUILDERS["sequential"]
    ours, theirs = build(strata), build(keras)
    copy_weights(ours, theirs)
    assert max_diff(predict(theirs, inputs()), predict(ours, inputs())) == 0.0
