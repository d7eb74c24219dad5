"""The tuning lesson (examples/tune_iris.py) on the real iris data, with a small budget."""

from example_loader import load_example


def test_tune_iris_finds_a_good_network(tmp_path, capsys):
    result = load_example("tune_iris").main(max_trials=4, epochs=30, verbose=0, directory=str(tmp_path))
    out = capsys.readouterr().out
    assert result["trials"] == 4
    assert result["best_val_accuracy"] >= 0.85 and result["test_accuracy"] >= 0.8
    assert 1 <= result["best_values"]["num_layers"] <= 3 and 1e-3 <= result["best_values"]["lr"] <= 1e-1
    assert out.startswith("Search space summary\nDefault search space size: 3\nnum_layers (Int)\n")
    assert "Results summary" in out and "Test accuracy of the best model:" in out
    assert sorted(p.name for p in (tmp_path / "tune_iris").iterdir()) == \
        ["oracle.json", "trial_0", "trial_1", "trial_2", "trial_3", "tuner0.json"]
