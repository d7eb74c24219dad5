"""Mixed precision against real Keras 3 (JAX backend): dtypes, outputs, training, configs and files.

Tolerances are those of the compute dtype: float16 keeps 11 significant bits (eps 9.8e-4), so
outputs agree to rtol 2e-3; bfloat16 keeps 8 (eps 7.8e-3), so rtol 2e-2.  (On this CPU they
agree far closer: both run the same XLA ops in the same dtypes.)
"""

from __future__ import annotations

import numpy as np
import pytest

import strata
from strata import layers, mixed_precision

TOLERANCE = {"mixed_float16": 2e-3, "mixed_bfloat16": 2e-2}
pytestmark = pytest.mark.keras


def _build(lib, policy, recurrent=False):
    """Conv1D, BatchNormalization, (LSTM or Flatten), LayerNormalization, Dense, Dense: 7 layers."""
    lib.mixed_precision.set_global_policy(policy)
    L = lib.layers
    inputs = lib.Input((6, 3))
    x = L.Conv1D(4, 3, activation="relu")(inputs)
    x = L.BatchNormalization()(x)
    x = L.LSTM(5)(x) if recurrent else L.Flatten()(x)
    x = L.LayerNormalization()(x)
    x = L.Dense(8, activation="tanh")(x)
    outputs = L.Dense(3, activation="softmax")(x)
    model = lib.Model(inputs, outputs)
    lib.mixed_precision.set_global_policy("float32")
    return model


def _data():
    rng = np.random.RandomState(0)
    return rng.normal(size=(16, 6, 3)).astype("float32"), rng.randint(0, 3, 16)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_dtypes_and_outputs_match_keras(keras, policy):
    ours, theirs = _build(strata, policy, recurrent=True), _build(keras, policy, recurrent=True)
    ours.set_weights(theirs.get_weights())
    assert [w.dtype for w in ours.weights] == [str(w.dtype) for w in theirs.weights]
    assert all(str(w.dtype) == "float32" for w in theirs.weights)
    assert [layer.compute_dtype for layer in ours.layers] == [layer.compute_dtype for layer in theirs.layers]
    assert [layer.dtype_policy.name for layer in ours.layers[1:]] == [
        layer.dtype_policy.name for layer in theirs.layers[1:]]
    x, _ = _data()
    expected = np.asarray(theirs(x)).astype("float32")
    got = np.asarray(ours(x)).astype("float32")
    assert str(np.asarray(ours(x)).dtype) == str(np.asarray(theirs(x)).dtype)
    np.testing.assert_allclose(got, expected, rtol=TOLERANCE[policy], atol=TOLERANCE[policy])
    np.testing.assert_allclose(ours.predict(x, verbose=0).astype("float32"),
                               theirs.predict(x, verbose=0).astype("float32"),
                               rtol=TOLERANCE[policy], atol=TOLERANCE[policy])


@pytest.mark.parametrize("policy, wrapped", [("mixed_float16", True), ("mixed_bfloat16", False)])
def test_compile_wraps_like_keras_and_fit_matches(keras, policy, wrapped):
    ours, theirs = _build(strata, policy), _build(keras, policy)
    ours.set_weights(theirs.get_weights())
    for model in (ours, theirs):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert type(ours.optimizer).__name__ == type(theirs.optimizer).__name__
    assert (type(ours.optimizer).__name__ == "LossScaleOptimizer") is wrapped
    x, y = _data()
    ours_history = ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    theirs_history = theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(ours_history["loss"], theirs_history["loss"], rtol=TOLERANCE[policy])
    assert ours_history["accuracy"] == theirs_history["accuracy"]
    assert [v.path for v in ours.optimizer.variables] == [v.path for v in theirs.optimizer.variables]
    for mine, reference in zip(ours.optimizer.variables, theirs.optimizer.variables):
        assert mine.dtype == str(reference.dtype)
    if wrapped:
        assert float(ours.optimizer.dynamic_scale.numpy()) == float(theirs.optimizer.dynamic_scale.numpy())


def test_auto_scale_loss_false_keeps_the_optimizer(keras):
    model = _build(strata, "mixed_float16")
    model.compile(optimizer="sgd", loss="mse", auto_scale_loss=False)
    assert type(model.optimizer).__name__ == "SGD"
    inner = strata.optimizers.LossScaleOptimizer(strata.optimizers.SGD())
    model.compile(optimizer=inner, loss="mse")
    assert model.optimizer is inner  # already wrapped: not wrapped twice


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_configs_match_keras(keras, policy):
    ours, theirs = _build(strata, policy), _build(keras, policy)
    for mine, reference in zip(ours.layers[1:], theirs.layers[1:]):
        assert mine.get_config()["dtype"] == reference.get_config()["dtype"]
    dense = keras.layers.Dense.from_config(layers.Dense(2, dtype=policy).get_config())
    assert dense.dtype_policy.name == policy
    back = layers.Dense.from_config(keras.layers.Dense(2, dtype=policy).get_config())
    assert back.dtype_policy == mixed_precision.DTypePolicy(policy)


def _load(lib, path, policy):
    """Keras restores a compiled model with the float32 policy and the optimizer of its compile
    config, so under mixed_float16 the saved LossScaleOptimizer state does not fit and is skipped
    with a warning; strata does the same."""
    if policy != "mixed_float16":
        return lib.saving.load_model(path)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        return lib.saving.load_model(path)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_keras_files_both_ways(keras, policy, tmp_path):
    x, y = _data()
    theirs = _build(keras, policy)
    theirs.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    theirs.fit(x, y, epochs=1, verbose=0)
    theirs.save(tmp_path / "keras.keras")
    loaded = _load(strata, tmp_path / "keras.keras", policy)
    reference = _load(keras, tmp_path / "keras.keras", policy)
    assert [layer.dtype_policy.name for layer in loaded.layers[1:]] == [policy] * 6
    assert type(loaded.optimizer).__name__ == type(reference.optimizer).__name__
    np.testing.assert_allclose(loaded.predict(x, verbose=0).astype("float32"),
                               theirs.predict(x, verbose=0).astype("float32"), rtol=TOLERANCE[policy],
                               atol=TOLERANCE[policy])
    ours = _build(strata, policy)
    ours.set_weights(theirs.get_weights())
    ours.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ours.fit(x, y, epochs=1, verbose=0)
    ours.save(tmp_path / "strata.keras")
    again = _load(keras, tmp_path / "strata.keras", policy)
    assert [layer.dtype_policy.name for layer in again.layers[1:]] == [policy] * 6
    np.testing.assert_allclose(again.predict(x, verbose=0).astype("float32"),
                               ours.predict(x, verbose=0).astype("float32"), rtol=TOLERANCE[policy],
                               atol=TOLERANCE[policy])


def test_weights_file_with_loss_scale_optimizer_matches_keras_layout(keras, tmp_path):
    """A compiled mixed_float16 model's ``.weights.h5`` holds the LossScaleOptimizer's variables and,
    as Keras writes, its inner optimizer's under ``optimizer/inner_optimizer``; both sides read it."""
    import h5py

    x, y = _data()
    models = {}
    for name, lib in (("strata", strata), ("keras", keras)):
        model = _build(lib, "mixed_float16")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        models[name] = model
    models["strata"].set_weights(models["keras"].get_weights())
    for name, model in models.items():
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        model.save_weights(tmp_path / f"{name}.weights.h5")
    layouts = []
    for name in models:
        with h5py.File(tmp_path / f"{name}.weights.h5") as f:
            layouts.append({k: f[f"optimizer/{k}"].shape for k in ("vars/2", "vars/3")}
                           | {"inner": len(f["optimizer/inner_optimizer/vars"]), "own": len(f["optimizer/vars"])})
    assert layouts[0] == layouts[1]
    saved = {name: [np.asarray(v) for v in model.optimizer.variables] for name, model in models.items()}
    models["keras"].load_weights(tmp_path / "strata.weights.h5")
    models["strata"].load_weights(tmp_path / "keras.weights.h5")
    for name, other in (("strata", "keras"), ("keras", "strata")):
        for variable, value in zip(models[name].optimizer.variables, saved[other]):
            np.testing.assert_array_equal(np.asarray(variable), value)


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_models_do_not_cast_inputs_themselves(keras, kind):
    """A float32 first layer under mixed_float16 sees the float32 inputs: only layers autocast."""
    def build(lib):
        lib.mixed_precision.set_global_policy("mixed_float16")
        dense = lib.layers.Dense(1, dtype="float32", kernel_initializer="ones", use_bias=False)
        if kind == "sequential":
            model = lib.Sequential([lib.Input((2,)), dense])
        else:
            inputs = lib.Input((2,))
            model = lib.Model(inputs, dense(inputs))
        lib.mixed_precision.set_global_policy("float32")
        return model

    x = np.array([[1.0001, 1000.0001]], np.float32)  # 1.0001 is 1.0 in float16
    ours, theirs = build(strata), build(keras)
    assert np.asarray(ours(x)).tolist() == np.asarray(theirs(x)).tolist() == [[1001.000244140625]]
    assert ours.predict(x, verbose=0).tolist() == theirs.predict(x, verbose=0).tolist()
