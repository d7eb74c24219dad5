"""Record what real Keras 3 (on TensorFlow) yields from its sequence and text dataset utilities.

``keras.utils.timeseries_dataset_from_array`` and ``keras.utils.text_dataset_from_directory`` build
``tf.data`` pipelines, so they need TensorFlow, which is not a dependency of strata.  Run this script
with an environment that has TensorFlow and Keras 3 (here ``bench/.venv-tf``: tensorflow-cpu 2.21 +
keras 3.15.1)::

    bench/.venv-tf/bin/python tools/make_sequence_fixtures.py tests/fixtures/sequence

It writes two JSON files that ``tests/utils/test_timeseries_dataset.py`` and
``tests/utils/test_text_dataset.py`` compare against exactly:

- ``timeseries.json``: for a grid of arguments, every batch of one pass (``x``, ``y``, dtypes), or
  the error type and message; for ``shuffle=True`` two passes of one dataset and one pass of a second
  dataset built with the same seed (is the order reproducible, and what is it);
- ``text.json``: the folder tree used (relative path -> file text; the test builds the same folder
  from it), and for a grid of arguments the printed lines, ``class_names`` and every batch (texts as
  Latin-1 strings of the raw bytes, labels).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pathlib
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

TIMESERIES_CASES = {
    "basic": dict(data="arange10", targets="plus100", sequence_length=3, batch_size=4),
    "stride_and_rate": dict(data="arange10", targets="plus100", sequence_length=3, sequence_stride=2,
                            sampling_rate=2, batch_size=4),
    "start_end": dict(data="arange10", targets="plus100", sequence_length=3, start_index=2, end_index=7,
                      batch_size=4),
    "start_only": dict(data="arange10", targets="plus100", sequence_length=2, start_index=3, batch_size=3),
    "end_only": dict(data="arange10", targets="plus100", sequence_length=2, end_index=6, batch_size=2),
    "two_d_float": dict(data="float2d", targets="plus100", sequence_length=4, batch_size=3),
    "no_targets": dict(data="arange10", targets=None, sequence_length=4, sequence_stride=3, batch_size=2),
    "unbatched": dict(data="arange10", targets="plus100", sequence_length=5, batch_size=None),
    "forecast": dict(data="forecast_x", targets="forecast_y", sequence_length=3, batch_size=2),
    "short_targets": dict(data="arange10", targets="short5", sequence_length=3, batch_size=4),
    "long_window": dict(data="arange10", targets="plus100", sequence_length=10, batch_size=4),
    "targets_2d": dict(data="arange10", targets="onehot", sequence_length=4, sampling_rate=2, batch_size=8),
    "python_lists": dict(data="int_list", targets="float_list", sequence_length=3, batch_size=5),
    "float64": dict(data="float64", targets=None, sequence_length=2, sequence_stride=4, batch_size=5),
    "shuffle": dict(data="arange20", targets="plus100_20", sequence_length=3, batch_size=4, shuffle=True,
                    seed=7),
    "shuffle_stride": dict(data="arange20", targets="plus100_20", sequence_length=2, sequence_stride=3,
                           batch_size=2, shuffle=True, seed=123),
    # errors
    "err_start_negative": dict(data="arange10", targets=None, sequence_length=3, start_index=-1),
    "err_start_too_big": dict(data="arange10", targets=None, sequence_length=3, start_index=10),
    "err_end_before_start": dict(data="arange10", targets=None, sequence_length=3, start_index=5, end_index=4),
    "err_end_too_big": dict(data="arange10", targets=None, sequence_length=3, end_index=10),
    "err_end_negative": dict(data="arange10", targets=None, sequence_length=3, end_index=-2),
    "err_rate_zero": dict(data="arange10", targets=None, sequence_length=3, sampling_rate=0),
    "err_rate_too_big": dict(data="arange10", targets=None, sequence_length=3, sampling_rate=10),
    "err_stride_zero": dict(data="arange10", targets=None, sequence_length=3, sequence_stride=0),
    "err_stride_too_big": dict(data="arange10", targets=None, sequence_length=3, sequence_stride=10),
    "err_window_too_long": dict(data="arange10", targets="plus100", sequence_length=11),
    "err_format": dict(data="arange10", targets=None, sequence_length=3, format="numpy"),
}

TEXT_FILES = {
    "neg/n0.txt": "bad\n",
    "neg/n1.txt": "awful film, truly",
    "neg/n2.txt": "boring",
    "neg/deep/n3.txt": "nested negative review\n",
    "neg/notes.md": "not a txt file",
    "pos/p0.txt": "great film indeed",
    "pos/p1.txt": "café au lait",
    "pos/p2.TXT": "upper-case extension",
    "pos/p3.txt": "",
    "zzz/z0.txt": "third class",
    ".hidden/h.txt": "hidden folder",
    "top.txt": "top level file",
}

TEXT_CASES = {
    "plain": dict(shuffle=False, batch_size=3),
    "max_length": dict(shuffle=False, batch_size=4, max_length=4),
    "categorical": dict(shuffle=False, batch_size=5, label_mode="categorical"),
    "binary": dict(shuffle=False, batch_size=4, label_mode="binary", class_names=["pos", "neg"]),
    "no_labels": dict(shuffle=False, batch_size=4, labels=None),
    "label_mode_none": dict(shuffle=False, batch_size=4, label_mode=None),
    "explicit_labels": dict(shuffle=False, batch_size=6, labels=[1, 0, 2, 1, 0, 0, 1, 2, 2, 1, 0]),
    "unbatched": dict(shuffle=False, batch_size=None),
    "shuffled": dict(shuffle=True, seed=11, batch_size=20),
    "split_both": dict(shuffle=True, seed=5, batch_size=20, validation_split=0.4, subset="both"),
    "split_training": dict(shuffle=True, seed=5, batch_size=20, validation_split=0.4, subset="training"),
    "split_unshuffled": dict(shuffle=False, batch_size=20, validation_split=0.25, subset="validation"),
}


def _series(name):
    return {
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
    }[name]


def _record_batches(dataset):
    out = []
    for batch in dataset:
        parts = batch if isinstance(batch, tuple) else (batch,)
        out.append([{"value": np.asarray(part).tolist(), "dtype": str(np.asarray(part).dtype),
                     "shape": list(np.asarray(part).shape)} for part in parts])
    return out


def _timeseries(keras):
    cases = {}
    for name, kwargs in TIMESERIES_CASES.items():
        call = dict(kwargs)
        call["data"] = _series(call["data"])
        call["targets"] = None if call["targets"] is None else _series(call["targets"])
        record = {"kwargs": kwargs}
        try:
            dataset = keras.utils.timeseries_dataset_from_array(**call)
            record["passes"] = [_record_batches(dataset)]
            if kwargs.get("shuffle"):
                record["passes"].append(_record_batches(dataset))
                again = keras.utils.timeseries_dataset_from_array(**call)
                record["rebuilt"] = _record_batches(again)
        except Exception as error:  # noqa: BLE001 - the error itself is the fixture
            record["error"] = {"type": type(error).__name__, "message": str(error)}
        cases[name] = record
    return cases


def _text(keras):
    cases = {}
    with tempfile.TemporaryDirectory() as root:
        for relative, text in TEXT_FILES.items():
            path = pathlib.Path(root, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        for name, kwargs in TEXT_CASES.items():
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                result = keras.utils.text_dataset_from_directory(root, **kwargs)
            datasets = result if isinstance(result, list) else [result]
            record = {"kwargs": kwargs, "printed": printed.getvalue(),
                      "class_names": datasets[0].class_names, "datasets": []}
            for dataset in datasets:
                batches = []
                for batch in dataset:
                    parts = batch if isinstance(batch, tuple) else (batch,)
                    texts = np.asarray(parts[0])
                    entry = {"texts": [b.decode("latin-1") for b in texts.reshape(-1).tolist()],
                             "texts_shape": list(texts.shape)}
                    if len(parts) > 1:
                        labels = np.asarray(parts[1])
                        entry.update(labels=labels.tolist(), labels_dtype=str(labels.dtype))
                    batches.append(entry)
                record["datasets"].append(batches)
            cases[name] = record
    return {"files": TEXT_FILES, "cases": cases}


def main(out_dir: str) -> None:
    import keras
    import tensorflow as tf

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    versions = {"keras": keras.__version__, "tensorflow": tf.__version__}
    (out / "timeseries.json").write_text(json.dumps({"versions": versions, "cases": _timeseries(keras)},
                                                    indent=1, sort_keys=True))
    (out / "text.json").write_text(json.dumps({"versions": versions, **_text(keras)}, indent=1,
                                              sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/sequence")
