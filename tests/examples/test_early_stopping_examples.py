"""The course's early-stopping programs stop early, restore the best epoch and say so."""

import re
import sys

import numpy as np
from example_loader import EXAMPLES, load_example


def _check_stop_lines(out: str, result: dict, progress: bool) -> None:
    stopped = result["stopped_epoch"] + 1
    assert 0 < result["epochs_run"] < 1000 and result["epochs_run"] == stopped
    if progress:
        assert f"Epoch {stopped}/1000" in out and f"Epoch {stopped + 1}/1000" not in out
    assert f"Epoch {stopped}: early stopping" in out
    restored = re.search(r"Restoring model weights from the end of the best epoch: (\d+)\.", out)
    assert restored and int(restored.group(1)) == result["best_epoch"] + 1
    # the stop comes `patience` epochs after the last real improvement (min_delta=1e-3)
    assert result["stopped_epoch"] - result["best_epoch"] >= 5
    assert out.index("early stopping") < out.index("Restoring model weights")


def test_course_split_takes_scikit_learns_rows():
    sys.path.insert(0, str(EXAMPLES))
    from course_split import train_test_split

    x = np.arange(150)
    x_train, x_test, _, _ = train_test_split(x, x, test_size=0.25, random_state=42)
    assert len(x_train) == 112 and len(x_test) == 38
    # scikit-learn's test rows for iris with random_state=42, as printed in countless tutorials
    assert x_test[:8].tolist() == [73, 18, 118, 78, 76, 31, 64, 141]
    assert sorted(np.concatenate([x_train, x_test]).tolist()) == x.tolist()


def test_iris_early_stopping_stops_and_restores_the_best_epoch(capsys, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    curves = tmp_path / "curves.png"
    result = load_example("early_stopping_iris").main(verbose=2, plot_path=str(curves))
    out = capsys.readouterr().out
    _check_stop_lines(out, result, progress=True)
    assert result["accuracy"] >= 0.95  # the course reports 1.0 on the 38 test rows
    assert curves.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert re.search(r"^4/4 - \d+s - \d+(us|ms|s)/step - loss: \d\.\d{4} - val_loss: \d\.\d{4}$", out, re.M)


def test_auto_mpg_early_stopping_stops_and_restores_the_best_epoch(capsys):
    result = load_example("early_stopping_auto_mpg").main(verbose=0)
    out = capsys.readouterr().out
    _check_stop_lines(out, result, progress=False)
    assert np.isfinite(result["rmse"]) and f"Final score (RMSE): {result['rmse']}" in out
    # the restored weights are the best epoch's: the test RMSE is the square root of the best val_loss
    assert abs(result["rmse"] ** 2 - result["best_val_loss"]) <= 1e-3 * result["best_val_loss"]
