"""The course programs in examples/ run on the real datasets and reach the course's results."""

import re

import numpy as np
import pytest
from example_loader import load_example


def test_iris_classification_reaches_95_percent(capsys):
    accuracy = load_example("iris_classification").main(verbose=2)
    out = capsys.readouterr().out
    assert accuracy >= 0.95
    assert "Epoch 100/100" in out
    assert re.search(r"^5/5 - \d+s - \d+(us|ms|s)/step - loss: \d\.\d{4}$", out, re.M)
    assert "Trainable params: 1,603 (6.26 KB)" in out and "Optimizer params: 3,208 (12.53 KB)" in out
    assert f"Accuracy: {accuracy}" in out


def test_auto_mpg_regression_reports_rmse(capsys):
    rmse = load_example("auto_mpg_regression").main(verbose=0)
    out = capsys.readouterr().out
    assert np.isfinite(rmse) and rmse < 10.0
    assert "Final score (RMSE):" in out and "Car name: chevrolet chevelle malibu" in out


def test_xor_weight_dump_and_manual_calculation_equal_predict(capsys):
    module = load_example("xor_manual_calculation")
    model, x, pred = module.train_until_solved()
    assert pred[0] < 0.01 and pred[3] < 0.01 and pred[1] > 0.9 and pred[2] > 0.9
    lines = module.dump_weights(model)
    assert len(lines) == 2 + 4 + 1 + 2
    assert re.fullmatch(r"0B -> L1N0: -?[\d.e-]+", lines[0])
    assert re.fullmatch(r"L0N0 -> L1N0 = -?[\d.e-]+", lines[2])
    assert re.fullmatch(r"1B -> L2N0: -?[\d.e-]+", lines[6])
    for row, p in zip(x, pred):
        assert module.manual_forward(model, row) == pytest.approx(float(p[0]), abs=1e-5)
    assert "Cycle #1" in capsys.readouterr().out


@pytest.mark.slow
def test_mnist_mlp_and_logistic_regression(shared_datasets, capsys):
    module = load_example("mnist_mlp")
    from strata.utils import set_random_seed

    set_random_seed(13)
    data = module.load(str(shared_datasets))
    _, mlp_accuracy = module.train(module.mlp(), data, epochs=5, verbose=2)
    _, lr_accuracy = module.train(module.logistic(), data, epochs=5, verbose=0)
    out = capsys.readouterr().out
    assert mlp_accuracy >= 0.97
    assert 0.90 <= lr_accuracy <= 0.94
    assert "Total params: 109,386 (427.29 KB)" in out
    assert "Total params: 7,850 (30.66 KB)" in out
    assert re.search(r"^469/469 - \d+s - \d+(us|ms|s)/step - accuracy: 0\.\d{4} - loss: \d\.\d{4} - "
                     r"val_accuracy: 0\.\d{4} - val_loss: \d\.\d{4}$", out, re.M)


@pytest.mark.filterwarnings("ignore:Saving a model to the HDF5")
def test_save_and_reload_gives_exactly_the_same_rmse(tmp_path, capsys):
    scores = load_example("save_and_reload").main(str(tmp_path), epochs=20, verbose=0)
    out = capsys.readouterr().out
    assert len(set(scores.values())) == 1, scores  # exactly equal, as the course expects
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.h5", "network.json", "network.keras"]
    assert "Before save score (RMSE):" in out and "After load score (RMSE, network.h5):" in out
