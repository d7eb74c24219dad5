"""The course's Wide & Deep models (Géron ch. 10) against real Keras, and the example program."""

import importlib.util
import pathlib

import numpy as np
import pytest

import strata

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "wide_and_deep.py"


def _wide_and_deep(lib, x_wide, x_deep):
    input_wide = lib.layers.Input(shape=[5])
    input_deep = lib.layers.Input(shape=[6])
    norm_layer_wide = lib.layers.Normalization()
    norm_layer_deep = lib.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = lib.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = lib.layers.Dense(30, activation="relu")(hidden1)
    concat = lib.layers.concatenate([norm_wide, hidden2])
    output = lib.layers.Dense(1, name="output")(concat)
    aux_output = lib.layers.Dense(1, name="aux_output")(hidden2)
    model = lib.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])
    norm_layer_wide.adapt(x_wide)
    norm_layer_deep.adapt(x_deep)
    return model


def _single_input(lib):
    input_ = lib.layers.Input(shape=[8])
    normalized = lib.layers.Normalization()(input_)
    hidden1 = lib.layers.Dense(30, activation="relu")(normalized)
    hidden2 = lib.layers.Dense(30, activation="relu")(hidden1)
    concat = lib.layers.Concatenate()([normalized, hidden2])
    output = lib.layers.Dense(1)(concat)
    return lib.Model(inputs=[input_], outputs=[output])


def _data(n=200):
    rs = np.random.RandomState(0)
    x = (rs.rand(n, 8) * [8, 50, 7, 1.2, 3000, 3, 40, -120]).astype("float32")
    y = rs.rand(n, 1).astype("float32") * 4
    return x[:, :5], x[:, 2:], y


@pytest.mark.keras
def test_summary_with_connected_to_matches_keras(keras, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    texts = []
    for lib in (keras, strata):
        lines = []
        _single_input(lib).summary(print_fn=lines.append)
        texts.append("".join(lines))
    assert texts[1] == texts[0]
    assert "Total params: 1,256 (4.91 KB)" in texts[1] and "Non-trainable params: 17 (68.00 B)" in texts[1]


@pytest.mark.keras
def test_forward_pass_and_one_epoch_match_keras(keras):
    xw, xd, y = _data()
    km = _wide_and_deep(keras, xw, xd)
    sm = _wide_and_deep(strata, xw, xd)
    assert [l.name for l in sm.layers] == [l.name for l in km.layers]
    for ours, theirs in zip(sm.layers, km.layers):
        if type(theirs).__name__ == "Normalization":  # adapt statistics, count stays 0
            for a, b in zip(ours.get_weights(), theirs.get_weights()):
                np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    sm.set_weights(km.get_weights())
    for ours, theirs in zip(sm.predict((xw, xd), verbose=0), km.predict((xw, xd), verbose=0)):
        np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-6)
    histories = []
    for model, lib in ((km, keras), (sm, strata)):
        model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=lib.optimizers.Adam(1e-3),
                      metrics=[["RootMeanSquaredError"], ["RootMeanSquaredError"]])
        histories.append(model.fit((xw, xd), (y, y), epochs=1, shuffle=False, verbose=0,
                                   validation_data=((xw[:50], xd[:50]), (y[:50], y[:50]))).history)
    theirs, ours = histories
    assert list(ours) == list(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-4, err_msg=key)


def test_course_compile_line_with_a_flat_metrics_list_returns_five_numbers():
    xw, xd, y = _data()
    model = _wide_and_deep(strata, xw, xd)
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer="adam", metrics=["RootMeanSquaredError"])
    model.fit((xw, xd), (y, y), epochs=1, verbose=0)
    total, main_loss, aux_loss, main_rmse, aux_rmse = model.evaluate((xw, xd), (y, y), verbose=0)
    assert total == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-5)
    assert main_rmse == pytest.approx(np.sqrt(main_loss), rel=1e-4)
    assert aux_rmse == pytest.approx(np.sqrt(aux_loss), rel=1e-4)
    y_pred = dict(zip(model.output_names, model.predict((xw[:3], xd[:3]), verbose=0)))
    assert set(y_pred) == {"output", "aux_output"} and y_pred["output"].shape == (3, 1)


@pytest.mark.slow
def test_wide_and_deep_example_on_california_housing(shared_datasets, capsys):
    spec = importlib.util.spec_from_file_location("wide_and_deep", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    history, results, y_pred = module.main(str(shared_datasets), epochs=5, verbose=0)
    total, main_loss, aux_loss, main_rmse, aux_rmse = results
    assert main_rmse < 0.8 and history.history["val_loss"][-1] < history.history["val_loss"][0]
    assert "Total params: 3,647 (14.25 KB)" in capsys.readouterr().out
