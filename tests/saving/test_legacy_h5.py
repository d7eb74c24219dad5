"""Legacy full-model ``.h5`` files: Keras 3's exact layout, cross-loading, tf.keras 2.x files, weights."""

import h5py
import numpy as np
import pytest
from legacy_helpers import FIXTURES, expected, h5_structure

from strata.layers import Concatenate, Dense, Dropout, Input
from strata.models import Model, Sequential
from strata.saving.errors import ModelFileError
from strata.saving.legacy_h5 import load_legacy_h5, load_weights_legacy_h5, save_legacy_h5

LEGACY = r"considered legacy"


def _save(model, path, **kwargs):
    with pytest.warns(UserWarning, match=LEGACY):
        save_legacy_h5(model, path, **kwargs)


def _data(seed=0, n=16):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype("float32"), rng.integers(0, 2, size=(n,))


def _strata_mlp():
    model = Sequential([Input((4,)), Dense(3, activation="relu"), Dropout(0.1), Dense(2, activation="softmax")],
                       name="seq")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _keras_mlp(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dropout(0.1),
                              layers.Dense(2, activation="softmax")], name="seq")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _two_io(lib, input_fn, dense):
    """Two inputs, two outputs, no merge layer (so it runs without Concatenate)."""
    a, b = input_fn((3,), name="a"), input_fn((2,), name="b")
    h = dense(4, activation="tanh", name="h")(a)
    value = dense(1, name="value")(h)
    label = dense(2, activation="softmax", name="label")(b)
    return lib(inputs=[a, b], outputs=[value, label], name="two_io")


# -- the layout Keras 3 writes ------------------------------------------------------------------------
@pytest.mark.keras
def test_sequential_file_matches_keras_layout(keras, tmp_path):
    x, y = _data()
    k_model, s_model = _keras_mlp(keras), _strata_mlp()
    k_model.fit(x, y, epochs=1, verbose=0, shuffle=False)
    s_model.fit(x, y, epochs=1, verbose=0, shuffle=False)
    k_model.save(tmp_path / "k.h5")
    _save(s_model, tmp_path / "s.h5")
    ours, theirs = h5_structure(tmp_path / "s.h5"), h5_structure(tmp_path / "k.h5")
    assert ours["root_attrs"] == theirs["root_attrs"] == ["backend", "keras_version", "model_config",
                                                          "training_config"]
    assert ours["model_config"] == theirs["model_config"]
    assert ours["training_config"] == theirs["training_config"]
    assert ours["items"] == theirs["items"]
    with h5py.File(tmp_path / "s.h5") as f:
        assert list(f["model_weights/dense"].attrs["weight_names"]) == ["seq/dense/kernel", "seq/dense/bias"]
        assert list(f["optimizer_weights"].attrs["weight_names"])[:3] == [
            "adam/iteration", "adam/learning_rate", "adam/seq_dense_kernel_momentum"]


@pytest.mark.keras
def test_functional_file_matches_keras_layout(keras, tmp_path):
    k_model = _two_io(keras.Model, keras.Input, keras.layers.Dense)
    s_model = _two_io(Model, Input, Dense)
    k_model.save(tmp_path / "k.h5")
    _save(s_model, tmp_path / "s.h5")
    ours, theirs = h5_structure(tmp_path / "s.h5"), h5_structure(tmp_path / "k.h5")
    assert ours == theirs
    assert "training_config" not in ours
    names = dict(item for item in ours["items"] if isinstance(item[1], dict))["model_weights"]["layer_names"]
    assert names == ["a", "h", "b", "value", "label"]  # model.layers order, as Keras orders them


@pytest.mark.keras
def test_non_trainable_weights_follow_keras_layout_and_cross_load(keras, tmp_path):
    from strata.layers import Normalization

    x, _ = _data()
    k_norm, s_norm = keras.layers.Normalization(), Normalization()
    k_norm.adapt(x)
    s_norm.adapt(x)
    keras.Sequential([keras.Input((4,)), k_norm, keras.layers.Dense(2)], name="seq").save(tmp_path / "k.h5")
    model = Sequential([Input((4,)), s_norm, Dense(2)], name="seq")
    _save(model, tmp_path / "s.h5")
    assert h5_structure(tmp_path / "s.h5") == h5_structure(tmp_path / "k.h5")  # mean, variance, count
    theirs = keras.models.load_model(tmp_path / "s.h5")
    assert np.abs(theirs.predict(x, verbose=0) - model.predict(x, verbose=0)).max() == 0


# -- cross-loading with Keras 3 ------------------------------------------------------------------------
@pytest.mark.keras
def test_keras_loads_our_file_with_identical_predictions_and_optimizer(keras, tmp_path):
    x, y = _data()
    model = _strata_mlp()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    _save(model, tmp_path / "m.h5")
    loaded = keras.models.load_model(tmp_path / "m.h5")
    assert np.abs(loaded.predict(x, verbose=0) - model.predict(x, verbose=0)).max() == 0
    assert int(loaded.optimizer.iterations.numpy()) == 4
    for theirs, ours in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(theirs.numpy()), ours.numpy())


@pytest.mark.keras
def test_we_load_keras_files_with_identical_predictions(keras, tmp_path):
    x, y = _data()
    k_model = _keras_mlp(keras)
    k_model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    k_model.save(tmp_path / "seq.h5")
    model = load_legacy_h5(tmp_path / "seq.h5")
    assert np.abs(model.predict(x, verbose=0) - k_model.predict(x, verbose=0)).max() == 0
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    for theirs, ours in zip(k_model.optimizer.variables, model.optimizer.variables):
        assert ours.path == theirs.path
        np.testing.assert_array_equal(ours.numpy(), np.asarray(theirs.numpy()))

    k_fun = _two_io(keras.Model, keras.Input, keras.layers.Dense)
    k_fun.save(tmp_path / "fun.h5")
    fun = load_legacy_h5(tmp_path / "fun.h5")
    xa, xb = x[:, :3], x[:, 3:] @ np.ones((1, 2), "float32")
    for theirs, ours in zip(k_fun.predict([xa, xb], verbose=0), fun.predict([xa, xb], verbose=0)):
        assert np.abs(np.asarray(theirs) - np.asarray(ours)).max() == 0
    assert not fun.compiled


def test_round_trip_restores_weights_compile_and_optimizer_state(tmp_path):
    x, y = _data()
    # No Dropout here: RNG states are not saved, so dropout masks would differ after loading.
    model = Sequential([Input((4,)), Dense(3, activation="relu"), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    _save(model, tmp_path / "m.h5")
    loaded = load_legacy_h5(tmp_path / "m.h5")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [v.path for v in loaded.optimizer.variables] == [v.path for v in model.optimizer.variables]
    # Continuing training from the file gives exactly what continuing the original gives.
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    history = loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    assert sorted(history.history) == ["accuracy", "loss"]
    for ours, original in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(ours, original)
    assert not load_legacy_h5(tmp_path / "m.h5", compile=False).compiled


def test_include_optimizer_false_and_uncompiled_models(tmp_path):
    model = _strata_mlp()
    _save(model, tmp_path / "m.h5", include_optimizer=False)
    with h5py.File(tmp_path / "m.h5") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f
    assert not load_legacy_h5(tmp_path / "m.h5").compiled


# -- tf.keras 2.x files (written by TensorFlow 2.15, tools/make_tf_keras_fixtures.py) -----------------
def test_tf_keras_sequential_loads_and_predicts_as_recorded():
    data = expected()
    model = load_legacy_h5(FIXTURES / "mlp_sequential.h5")
    assert [layer.name for layer in model.layers] == ["hidden", "dropout", "probs"]
    assert model.input_shape == (None, 4)
    np.testing.assert_allclose(model.predict(data["mlp_x"], verbose=0), data["mlp_y"], atol=1e-6)
    assert model._compile_config["metrics"] == ["accuracy"]
    assert model._compile_config["loss"] == "sparse_categorical_crossentropy"
    # tf.keras 2.15 saves iteration (int64) and the Adam slots, but no learning_rate variable.
    assert int(model.optimizer.iterations.numpy()) == 4
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.001)
    with h5py.File(FIXTURES / "mlp_sequential.h5") as f:
        np.testing.assert_array_equal(model.optimizer.variables[2].numpy(),
                                      f["optimizer_weights/Adam/m/hidden/kernel:0"][()])
    x = data["mlp_x"]
    history = model.fit(x, np.arange(len(x)) % 3, epochs=1, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]


def test_tf_keras_functional_loads_and_predicts_as_recorded():
    data = expected()
    model = load_legacy_h5(FIXTURES / "two_io_functional.h5")
    assert [layer.name for layer in model.layers] == ["a", "b", "left", "right", "merge", "value", "label"]
    assert isinstance(model.get_layer("merge"), Concatenate)
    value, label = model.predict([data["fun_a"], data["fun_b"]], verbose=0)
    np.testing.assert_allclose(value, data["fun_value"], atol=1e-6)
    np.testing.assert_allclose(label, data["fun_label"], atol=1e-6)
    assert model._compile_config["loss"] == ["mse", "sparse_categorical_crossentropy"]
    assert model._compile_config["loss_weights"] == [1.0, 0.5]
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.01)
    assert int(model.optimizer.iterations.numpy()) == 2


@pytest.mark.keras
def test_tf_keras_model_resaved_by_us_loads_in_keras(keras, tmp_path):
    data = expected()
    model = load_legacy_h5(FIXTURES / "two_io_functional.h5")
    _save(model, tmp_path / "again.h5")
    # compile=False: Keras 3.15 cannot compile from its own legacy files when a loss is "mse"
    # ("Could not deserialize 'keras.metrics.mse'"), whoever wrote the file.
    theirs = keras.models.load_model(tmp_path / "again.h5", compile=False)
    for a, b in zip(theirs.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(np.asarray(a), b)
    # The weights are bitwise equal; outputs through Concatenate differ in the last float32 bit
    # between the two compiled graphs (XLA fuses them differently), hence a tolerance here.
    inputs = [data["fun_a"], data["fun_b"]]
    for a, b in zip(theirs.predict(inputs, verbose=0), model.predict(inputs, verbose=0)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=0, atol=1e-6)


# -- load_weights --------------------------------------------------------------------------------------
def _mlp_like(names=("hidden", "dropout", "probs")):
    return Sequential([Input((4,)), Dense(5, activation="relu", name=names[0]), Dropout(0.25, name=names[1]),
                       Dense(3, activation="softmax", name=names[2])])


@pytest.mark.parametrize("name", ["mlp_sequential.h5", "mlp_sequential_weights.h5"])
def test_load_weights_from_tf_keras_full_and_weights_only_files(name):
    data = expected()
    model = _mlp_like(("x", "y", "z"))
    load_weights_legacy_h5(model, FIXTURES / name)
    np.testing.assert_allclose(model.predict(data["mlp_x"], verbose=0), data["mlp_y"], atol=1e-6)


def test_load_weights_by_name_skips_unknown_layers(tmp_path):
    data = expected()
    model = Sequential([Input((4,)), Dense(5, activation="relu", name="hidden"), Dense(7, name="extra")])
    untouched = model.get_layer("extra").get_weights()
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #1 \(named extra\)"):
        load_weights_legacy_h5(model, FIXTURES / "mlp_sequential.h5")  # by position: probs -> extra
    load_weights_legacy_h5(model, FIXTURES / "mlp_sequential.h5", by_name=True)
    with h5py.File(FIXTURES / "mlp_sequential.h5") as f:
        np.testing.assert_array_equal(model.get_layer("hidden").kernel.numpy(),
                                      f["model_weights/hidden/hidden/kernel:0"][()])
    for before, after in zip(untouched, model.get_layer("extra").get_weights()):
        np.testing.assert_array_equal(before, after)
    full = _mlp_like()
    load_weights_legacy_h5(full, FIXTURES / "mlp_sequential_weights.h5", by_name=True)
    np.testing.assert_allclose(full.predict(data["mlp_x"], verbose=0), data["mlp_y"], atol=1e-6)


def test_load_weights_mismatches_raise_or_skip():
    wide = Sequential([Input((4,)), Dense(6, name="hidden"), Dense(3, name="probs")])
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #0 \(named hidden\) for weight "
                                         r"sequential/hidden/kernel. Weight expects shape \(4, 6\)"):
        load_weights_legacy_h5(wide, FIXTURES / "mlp_sequential.h5")
    with pytest.warns(UserWarning, match=r"Skipping loading weights: Shape mismatch"):
        load_weights_legacy_h5(wide, FIXTURES / "mlp_sequential.h5", skip_mismatch=True)
    probs = wide.get_layer("probs")
    with h5py.File(FIXTURES / "mlp_sequential.h5") as f:  # kernel (6, 3) vs (5, 3) skipped, bias (3,) loaded
        np.testing.assert_array_equal(probs.bias.numpy(), f["model_weights/probs/probs/bias:0"][()])
    assert probs.kernel.shape == (6, 3)
    three = Sequential([Input((4,)), Dense(5), Dense(5), Dense(3)])
    with pytest.raises(ValueError, match=r"Layer count mismatch .* 3 layers with weights, the file has 2"):
        load_weights_legacy_h5(three, FIXTURES / "mlp_sequential.h5")


# -- errors --------------------------------------------------------------------------------------------
def test_file_errors(tmp_path):
    model = _strata_mlp()
    _save(model, tmp_path / "m.h5")
    with pytest.raises(FileExistsError, match=r"already exists\. Pass `overwrite=True`"):
        save_legacy_h5(model, tmp_path / "m.h5", overwrite=False)
    with pytest.raises(FileNotFoundError, match=r"No file found at"):
        load_legacy_h5(tmp_path / "missing.h5")
    (tmp_path / "bad.h5").write_bytes(b"not an hdf5 file")
    with pytest.raises(ModelFileError, match=r"bad.h5.*not a valid HDF5 file"):
        load_legacy_h5(tmp_path / "bad.h5")
    with pytest.raises(ModelFileError, match=r"no model config found .* `model.load_weights"):
        load_legacy_h5(FIXTURES / "mlp_sequential_weights.h5")
    with pytest.raises(TypeError, match=r"`filepath` must be a path .* Received: filepath=3"):
        load_legacy_h5(3)


# -- older tf.keras training configs -------------------------------------------------------------------
def test_keras_2_3_training_config_compiles():
    from strata.saving.legacy_training import compile_args

    model = Sequential([Input((4,)), Dense(3, activation="softmax")])
    config = {"optimizer_config": {"class_name": "Adam", "config": {
                  "name": "Adam", "lr": 0.002, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
                  "epsilon": 1e-07, "amsgrad": False}},
              "loss": {"class_name": "CategoricalCrossentropy", "config": {
                  "reduction": "auto", "name": "categorical_crossentropy", "from_logits": True,
                  "label_smoothing": 0}},
              "metrics": ["acc"], "loss_weights": None, "weighted_metrics": None}
    args = compile_args(config, model)
    assert type(args["optimizer"]).__name__ == "Adam"
    np.testing.assert_allclose(args["optimizer"].learning_rate.numpy(), 0.002)
    assert args["loss"].from_logits and args["loss"].reduction == "sum_over_batch_size"
    assert args["metrics"] == ["acc"]
    config["optimizer_config"]["config"]["decay"] = 1e-4
    with pytest.warns(UserWarning, match=r"`decay=0.0001`, which Keras 3 optimizers do not have"):
        compile_args(config, model)


def test_pre_2_11_optimizer_state_is_dropped_with_a_log(tmp_path, caplog):
    path = tmp_path / "old.h5"
    path.write_bytes((FIXTURES / "mlp_sequential.h5").read_bytes())
    with h5py.File(path, "r+") as f:  # TF < 2.11 optimizers: "Adam/iter:0", slots grouped by kind
        group = f["optimizer_weights"]
        names = ["Adam/iter:0"] + [n.replace("Adam/m/", "Adam/").replace(":0", "/m:0") for n in
                                   list(group.attrs["weight_names"])[1::2]]
        group.attrs["weight_names"] = [n.encode() for n in names]
        for name in names[1:]:
            group[name] = np.zeros(1, "float32")
        group["Adam/iter:0"] = np.int64(7)
    with caplog.at_level("WARNING", logger="strata"):
        model = load_legacy_h5(path)
    assert "freshly initialized optimizer" in caplog.text
    assert model.compiled and int(model.optimizer.iterations.numpy()) == 0
