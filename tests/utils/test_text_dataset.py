"""text_dataset_from_directory against Keras 3.15.1 + TensorFlow 2.21, recorded by
``tools/make_sequence_fixtures.py`` into ``tests/fixtures/sequence/text.json`` (which also holds the
folder tree, so the test builds the very folder Keras read)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from strata.utils import PyDataset, text_dataset_from_directory
from strata.utils.text_dataset import TextFolderDataset

FIXTURE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "sequence" / "text.json").read_text())
CASES = FIXTURE["cases"]


@pytest.fixture(scope="module")
def text_tree(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("texts")
    for relative, text in FIXTURE["files"].items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return str(root)


def as_keras_bytes(text: str) -> bytes:
    return text.encode("latin-1")  # the fixture stores Keras's raw bytes as Latin-1 strings


def check_batches(ds, expected, ordered=True):
    ours_texts, ours_labels, theirs_texts, theirs_labels = [], [], [], []
    assert len(ds) == len(expected)
    for index, batch in enumerate(expected):
        ours = ds[index]
        texts, labels = ours if isinstance(ours, tuple) else (ours, None)
        assert list(texts.shape) == batch["texts_shape"]
        assert texts.dtype.kind == "U"
        ours_texts += [t.encode("utf-8") for t in np.reshape(texts, -1).tolist()]
        # strata returns str: a character that max_length cut in half is dropped (tested below)
        theirs_texts += [as_keras_bytes(t).decode("utf-8", "ignore").encode() for t in batch["texts"]]
        assert (labels is None) == ("labels" not in batch)
        if labels is not None:
            assert str(labels.dtype) == batch["labels_dtype"]
            ours_labels.append(np.asarray(labels).tolist())
            theirs_labels.append(batch["labels"])
    if ordered:
        assert ours_texts == theirs_texts
        assert ours_labels == theirs_labels
    else:
        assert sorted(ours_texts) == sorted(theirs_texts)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c["kwargs"].get("shuffle")])
def test_unshuffled_cases_match_keras_exactly(text_tree, capsys, name):
    case = CASES[name]
    ds = text_dataset_from_directory(text_tree, **case["kwargs"])
    assert capsys.readouterr().out == case["printed"]
    assert ds.class_names == case["class_names"]
    check_batches(ds, case["datasets"][0])


def test_max_length_cuts_bytes_and_drops_a_split_character(text_tree, capsys):
    ds = text_dataset_from_directory(text_tree, max_length=4, shuffle=False, batch_size=4, verbose=False)
    texts = ds[1][0].tolist()
    assert texts == ["grea", "caf", "uppe", ""]  # Keras: b"caf\xc3" (half of "é")
    assert [as_keras_bytes(t) for t in CASES["max_length"]["datasets"][0][1]["texts"]][1] == b"caf\xc3"


@pytest.mark.parametrize("name", ["shuffled", "split_both", "split_training"])
def test_shuffled_split_membership_and_first_order_follow_keras_seeded_file_shuffle(text_tree, capsys, name):
    case = CASES[name]
    result = text_dataset_from_directory(text_tree, **case["kwargs"])
    assert capsys.readouterr().out == case["printed"]
    datasets = result if isinstance(result, list) else [result]
    assert len(datasets) == len(case["datasets"])
    for ds, expected in zip(datasets, case["datasets"]):
        assert ds.class_names == case["class_names"]
        # Keras's tf.data shuffle reorders inside a subset; which files form it is the seeded split.
        check_batches(ds, expected, ordered=not ds.shuffle)


@pytest.mark.keras
def test_file_order_and_split_equal_keras_index_directory(text_tree, keras_oracle, capsys):
    from keras.src.utils import dataset_utils

    paths, labels, class_names = dataset_utils.index_directory(text_tree, "inferred", formats=(".txt",),
                                                               shuffle=True, seed=5)
    capsys.readouterr()
    ds = text_dataset_from_directory(text_tree, seed=5, verbose=False)
    assert ds.file_paths == paths
    assert ds[0][1].tolist() == list(labels)
    train = text_dataset_from_directory(text_tree, seed=5, validation_split=0.4, subset="training")
    keras_train = dataset_utils.get_training_or_validation_split(paths, labels, 0.4, "training")
    assert capsys.readouterr().out.splitlines()[-1] == "Using 6 files for training."
    assert train.file_paths == keras_train[0]


def test_reshuffles_every_epoch_reproducibly_from_the_seed(text_tree):
    ds = text_dataset_from_directory(text_tree, seed=3, batch_size=3, verbose=False)
    first = [t for x, _ in ds for t in x.tolist()]
    second = [t for x, _ in ds for t in x.tolist()]
    assert sorted(first) == sorted(second) and first != second
    again = text_dataset_from_directory(text_tree, seed=3, batch_size=3, verbose=False)
    assert [t for x, _ in again for t in x.tolist()] == first
    texts, labels = next(iter(again.take(1)))
    assert texts.shape == (3,) and labels.dtype == np.int32


def test_is_a_pydataset(text_tree):
    ds = text_dataset_from_directory(text_tree, shuffle=False, verbose=False)
    assert isinstance(ds, (PyDataset, TextFolderDataset))
    assert len(ds) == 1
    assert repr(ds) == "<TextFolderDataset: 9 files, 1 batches of 32, class_names=['neg', 'pos', 'zzz']>"
    with pytest.raises(IndexError, match="Batch index 1 is out of range for a dataset of 1 batches"):
        ds[1]


@pytest.mark.parametrize("kwargs, match", [
    (dict(labels="folders"), "`labels` argument should be a list/tuple of integer labels"),
    (dict(labels=np.arange(9)), "`labels` argument should be a list/tuple"),
    (dict(labels=[0, 1], class_names=["a"]), 'You can only pass `class_names` if `labels="inferred"`'),
    (dict(labels=[0, 1.5]), "`labels` must be integers"),
    (dict(label_mode="sparse"), '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
                                "Received: label_mode=sparse"),
    (dict(format="arrow"), '`format` should be either "tf" or "grain". Received: format=arrow'),
    (dict(max_length=0), "`max_length` must be a positive integer or None. Received: max_length=0"),
    (dict(validation_split=0.2, subset="training"), "you must provide a `seed` argument"),
    (dict(label_mode="binary"), 'When passing `label_mode="binary"`, there must be exactly 2 class_names'),
    (dict(class_names=["neg", "nope"]), "The `class_names` passed did not match the names of the subdirectories"),
    (dict(labels=[0, 1, 2]), "len\\(labels\\) is 3 while we found 11 files"),
])
def test_errors(text_tree, kwargs, match):
    with pytest.raises(ValueError, match=match):
        text_dataset_from_directory(text_tree, verbose=False, **kwargs)


def test_missing_or_empty_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="`directory` must be an existing folder"):
        text_dataset_from_directory(tmp_path / "nowhere")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("no")
    with pytest.raises(ValueError, match=r"No text files found in directory .*\('.txt',\).* sub-folders \['a'\]"):
        text_dataset_from_directory(tmp_path, verbose=False)


def test_doctest_examples_run():
    import doctest

    from strata.utils import text_dataset, timeseries_dataset, sequence_utils, dataset_index

    for module in (text_dataset, timeseries_dataset, sequence_utils, dataset_index):
        failures, _ = doctest.testmod(module, extraglobs={"np": np})
        assert failures == 0, module.__name__
