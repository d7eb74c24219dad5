"""timeseries_dataset_from_array against batches recorded from Keras 3.15.1 on TensorFlow 2.21
(``tools/make_sequence_fixtures.py`` -> ``tests/fixtures/sequence/timeseries.json``)."""

from __future__ import annotations

import json
import pathlib
import re

import numpy as np
import pytest

from strata.utils import PyDataset, timeseries_dataset_from_array
from strata.utils.timeseries_dataset import TimeseriesDataset

FIXTURE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "sequence" / "timeseries.json").read_text())
CASES = FIXTURE["cases"]
SERIES = {
    "arange10": np.arange(10),
    "arange20": np.arange(20),
    "plus100": 100 + np.arange(10),
    "plus100_20": 100 + np.arange(20),
    "float2d": np.arange(20, dtype="float32").reshape(10, 2) / 4,
    "forecast_x": np.arange(10)[:-3],
    "forecast_y": np.arange(10)[3:],
    "short5": 100 + np.arange(5),
    "onehot": np.eye(10, dtype="float32")[:, :3],
    "int_list": list(range(10)),
    "float_list": [0.5 * i for i in range(10)],
    "float64": np.linspace(0, 1, 10),
}


def build(kwargs):
    call = dict(kwargs)
    call["data"] = SERIES[call["data"]]
    call["targets"] = None if call["targets"] is None else SERIES[call["targets"]]
    return timeseries_dataset_from_array(**call)


def one_pass(ds):
    out = []
    for batch in ds:
        parts = batch if isinstance(batch, tuple) else (batch,)
        out.append([{"value": np.asarray(p).tolist(), "dtype": str(np.asarray(p).dtype),
                     "shape": list(np.asarray(p).shape)} for p in parts])
    return out


def elements(passed):
    """The (window, target) pairs of one pass, sorted (the order aside)."""
    pairs = []
    for batch in passed:
        for i in range(len(batch[0]["value"])):
            pairs.append(tuple(json.dumps(part["value"][i]) for part in batch))
    return sorted(pairs)


ORDERED = [name for name, case in CASES.items() if "error" not in case and not case["kwargs"].get("shuffle")]
SHUFFLED = [name for name, case in CASES.items() if case["kwargs"].get("shuffle")]
ERRORS = [name for name, case in CASES.items() if "error" in case]


def test_fixture_covers_the_grid():
    assert FIXTURE["versions"]["keras"] == "3.15.1"
    assert len(ORDERED) >= 12 and len(SHUFFLED) == 2 and len(ERRORS) >= 10


@pytest.mark.parametrize("name", ORDERED)
def test_batches_match_keras_exactly(name):
    ds = build(CASES[name]["kwargs"])
    assert one_pass(ds) == CASES[name]["passes"][0]
    assert len(ds) == len(CASES[name]["passes"][0])


@pytest.mark.parametrize("name", SHUFFLED)
def test_shuffled_windows_batches_and_reproducibility_match_keras(name):
    case = CASES[name]
    assert case["rebuilt"] == case["passes"][0]  # Keras: the same seed gives the same order
    ds = build(case["kwargs"])
    first, second = one_pass(ds), one_pass(ds)
    for ours, theirs in ((first, case["passes"][0]), (second, case["passes"][1])):
        assert elements(ours) == elements(theirs)  # every window with its own target, each once
        assert [b[0]["shape"] for b in ours] == [b[0]["shape"] for b in theirs]
    assert first != second  # reshuffled every epoch, as tf.data's shuffle is
    assert one_pass(build(case["kwargs"])) == first  # and reproducible from the seed
    ordered = dict(case["kwargs"], shuffle=False)
    assert elements(first) == elements(one_pass(build(ordered)))


def test_first_epoch_uses_keras_seeded_permutation_of_window_starts():
    ds = timeseries_dataset_from_array(np.arange(20), None, 3, batch_size=None, shuffle=True, seed=7)
    starts = np.arange(18, dtype="int32")
    np.random.RandomState(7).shuffle(starts)
    assert [int(ds[i][0]) for i in range(len(ds))] == starts.tolist()


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_keras(name):
    error = CASES[name]["error"]
    with pytest.raises(getattr(__builtins__, error["type"], None) or ValueError,
                       match=re.escape(error["message"])):
        build(CASES[name]["kwargs"])


def test_window_longer_than_data_is_empty_as_in_keras():
    assert CASES["err_window_too_long"]["passes"] == [[]]
    assert len(build(CASES["err_window_too_long"]["kwargs"])) == 0


def test_strata_checks_name_the_argument():
    with pytest.raises(ValueError, match="`sequence_length` must be a positive integer. Received: sequence_length=0"):
        timeseries_dataset_from_array(np.arange(10), None, 0)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer or None"):
        timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=0)
    with pytest.raises(ValueError, match="`targets` has 4 entries, too few for the windows starting at step 4 "):
        timeseries_dataset_from_array(np.arange(10), np.arange(4), 2, start_index=2)
    with pytest.raises(ValueError, match="Received a scalar"):
        timeseries_dataset_from_array(np.float32(3), None, 2)


def test_is_a_pydataset_with_indexing_take_and_repr():
    ds = timeseries_dataset_from_array(np.arange(10), 100 + np.arange(10), 3, batch_size=4)
    assert isinstance(ds, (PyDataset, TimeseriesDataset))
    assert [x.shape[0] for x, _ in ds.take(5)] == [4, 4]
    with pytest.raises(IndexError, match="Batch index 2 is out of range for a dataset of 2 batches"):
        ds[2]
    assert repr(ds) == "<TimeseriesDataset: 8 windows of 3 steps, 2 batches of 4>"


def test_fit_trains_a_dense_model_on_windows():
    import strata
    from strata import layers

    series = np.sin(np.arange(200, dtype="float32") / 8)[:, None]
    length = 6
    ds = timeseries_dataset_from_array(series[:-length], series[length:, 0], length, batch_size=32)
    model = strata.Sequential([strata.Input((length, 1)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(ds, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(ds, verbose=0).shape == (189, 1)  # 194 steps, windows of 6
