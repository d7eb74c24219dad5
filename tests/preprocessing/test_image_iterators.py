"""flow / flow_from_directory / flow_from_dataframe: batches, labels, file order and printed lines equal to
Keras's legacy iterators (shuffle off), the PyDataset and endless-iterator contracts, and repeatable
shuffling and augmentation that do not depend on the order batches are fetched in."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from strata.core import random as strata_random
from strata.preprocessing.image import DataFrameIterator, DirectoryIterator, ImageDataGenerator, NumpyArrayIterator
from strata.utils import PyDataset

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def kimage(keras_oracle):
    return importlib.import_module("keras._tf_keras.keras.preprocessing.image")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """cats (4 images, one nested, upper-case suffix, a .txt), dogs (RGBA, grayscale BMP, JPEG), an empty hidden
    folder (a class for Keras too) and a top-level image (ignored)."""
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)

    def write(rel, size, mode="RGB"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
        pixels = rng.integers(0, 256, (*size, channels), dtype="uint8")
        Image.fromarray(pixels[..., 0] if mode == "L" else pixels, mode).save(path)

    write("cats/c1.png", (10, 12))
    write("cats/c2.jpg", (8, 8))
    write("cats/c3.PNG", (6, 5))
    write("cats/nested/c4.png", (9, 7))
    (root / "cats" / "notes.txt").write_text("not an image")
    write("dogs/d1.png", (7, 9), "RGBA")
    write("dogs/d2.bmp", (6, 6), "L")
    write("dogs/d3.jpeg", (11, 4))
    (root / ".ipynb_checkpoints").mkdir()
    write("top.png", (5, 5))
    return root


def _same(mine, expected):
    if isinstance(expected, (tuple, list)):
        assert type(mine) is type(expected) and len(mine) == len(expected)
        for a, b in zip(mine, expected):
            _same(a, b)
        return
    assert mine.dtype == expected.dtype and mine.shape == expected.shape
    np.testing.assert_allclose(mine, expected, atol=1e-5)


def _compare_epoch_and_next(ours, theirs):
    """Every ``it[i]``, then ``len + 1`` calls of ``next`` (wrapping into a second pass)."""
    assert len(ours) == len(theirs)
    for i in range(len(theirs)):
        _same(ours[i], theirs[i])
    for _ in range(len(theirs) + 1):
        _same(next(ours), next(theirs))


def _arrays(n=10):
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 255, (n, 5, 6, 3)).astype("float32")
    return x, np.arange(n) % 3, rng.uniform(0.5, 2, n)


@pytest.mark.parametrize("with_y, with_weight, with_misc",
                         [(True, True, False), (True, False, True), (False, False, False)])
def test_flow_batches_match_keras(kimage, with_y, with_weight, with_misc):
    x, y, w = _arrays()
    inputs = (x, [np.arange(10.0), np.ones((10, 2))]) if with_misc else x
    kwargs = dict(y=y if with_y else None, sample_weight=w if with_weight else None, batch_size=4, shuffle=False)
    ours = ImageDataGenerator(rescale=1 / 255).flow(inputs, **kwargs)
    theirs = kimage.ImageDataGenerator(rescale=1 / 255).flow(inputs, **kwargs)
    assert isinstance(ours, NumpyArrayIterator) and isinstance(ours, PyDataset)
    assert [len(b[1] if with_y else b) for b in (ours[0], ours[1], ours[2])] == [4, 4, 2]
    _compare_epoch_and_next(ours, theirs)
    assert ours.n == theirs.n == 10 and ours.batch_size == 4


@pytest.mark.parametrize("subset", ["training", "validation"])
def test_flow_subsets_match_keras(kimage, subset):
    x, y, _ = _arrays()
    ours = ImageDataGenerator(validation_split=0.3).flow(x, y, batch_size=3, shuffle=False, subset=subset)
    theirs = kimage.ImageDataGenerator(validation_split=0.3).flow(x, y, batch_size=3, shuffle=False, subset=subset)
    assert ours.n == theirs.n == (7 if subset == "training" else 3)
    _compare_epoch_and_next(ours, theirs)


def test_flow_subset_slices_sample_weight_with_the_samples():
    # Keras keeps the full weight array, so its weights come from the wrong rows; strata slices them too.
    x, y, w = _arrays()
    it = ImageDataGenerator(validation_split=0.3).flow(x, y, sample_weight=w, batch_size=10, shuffle=False,
                                                       subset="training")
    np.testing.assert_array_equal(it[0][2], w[3:])
    np.testing.assert_array_equal(it[0][1], y[3:])


def test_flow_channels_first_with_featurewise_statistics_matches_keras(kimage):
    x = np.moveaxis(_arrays()[0], -1, 1)
    config = dict(data_format="channels_first", featurewise_center=True, featurewise_std_normalization=True)
    ours, theirs = ImageDataGenerator(**config), kimage.ImageDataGenerator(**config)
    ours.fit(x)
    theirs.fit(x)
    _compare_epoch_and_next(ours.flow(x, batch_size=6, shuffle=False), theirs.flow(x, batch_size=6, shuffle=False))


def test_save_to_dir_writes_each_augmented_image(tmp_path):
    x, y, _ = _arrays(5)
    it = ImageDataGenerator(rotation_range=20).flow(x, y, batch_size=3, shuffle=False, save_to_dir=str(tmp_path),
                                                    save_prefix="aug", save_format="jpeg")
    it[1]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n.split("_")[:2] for n in names] == [["aug", "3"], ["aug", "4"]]
    assert all(n.endswith(".jpeg") for n in names)


def test_flow_argument_errors():
    x, y, _ = _arrays()
    gen = ImageDataGenerator(validation_split=0.5)
    with pytest.raises(ValueError, match="Training and validation subsets have different number of classes"):
        gen.flow(x, np.sort(y), subset="training")
    gen.flow(x, np.sort(y), subset="training", ignore_class_split=True)
    with pytest.raises(ValueError, match=r"`subset` must be 'training', 'validation' or None. Received: subset='test'"):
        gen.flow(x, y, subset="test")
    with pytest.raises(ValueError, match=r"`x` \(images\) and `y` must have the same length.*y.shape=\(9,\)"):
        gen.flow(x, y[:9])
    with pytest.raises(ValueError, match=r"`x` must have rank 4.*shape \(10, 5, 6\).*x\[\.\.\., np.newaxis\]"):
        gen.flow(x[..., 0], y)
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer >= 1. Received: batch_size=0"):
        gen.flow(x, y, batch_size=0)
    with pytest.warns(UserWarning, match=r"expected either 1, 3, or 4 channels on axis 3.*\(10, 5, 6, 2\) \(2 chan"):
        gen.flow(x[..., :2], y)


def test_out_of_range_index_raises_as_keras(kimage):
    x, y, _ = _arrays()
    ours = ImageDataGenerator().flow(x, y, batch_size=4)
    theirs = kimage.ImageDataGenerator().flow(x, y, batch_size=4)
    with pytest.raises(ValueError) as keras_error:
        theirs[3]
    with pytest.raises(ValueError, match=str(keras_error.value)):
        ours[3]
    _same(ImageDataGenerator().flow(x, y, batch_size=4, shuffle=False)[-1], theirs.__class__(
        x, y, kimage.ImageDataGenerator(), batch_size=4)[2])


def test_shuffled_epochs_are_permutations_and_repeat_for_a_seed():
    x, y, _ = _arrays(11)
    it = ImageDataGenerator().flow(x, np.arange(11), batch_size=4, seed=3)
    epochs = []
    for _ in range(3):
        epochs.append(np.concatenate([it[i][1] for i in range(len(it))]))
        it.on_epoch_end()
    assert all(sorted(e) == list(range(11)) for e in epochs)
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[0], np.arange(11))
    again = ImageDataGenerator().flow(x, np.arange(11), batch_size=4, seed=3)
    np.testing.assert_array_equal(np.concatenate([again[i][1] for i in range(3)]), epochs[0])
    other = ImageDataGenerator().flow(x, np.arange(11), batch_size=4, seed=4)
    assert not np.array_equal(np.concatenate([other[i][1] for i in range(3)]), epochs[0])


def test_unseeded_iterators_draw_their_seed_from_the_root_stream():
    x, y, _ = _arrays()
    orders = []
    for _ in range(2):
        strata_random.set_global_seed(7)
        it = ImageDataGenerator(rotation_range=30).flow(x, np.arange(10), batch_size=10)
        orders.append(it[0])
    _same(orders[0], orders[1])


def test_augmented_batches_do_not_depend_on_fetch_order():
    x, y, _ = _arrays()
    gen = ImageDataGenerator(rotation_range=40, horizontal_flip=True)
    forward, backward = (gen.flow(x, y, batch_size=3, seed=9) for _ in range(2))
    first = [forward[i] for i in range(4)]
    last = {i: backward[i] for i in reversed(range(4))}
    for i in range(4):
        _same(first[i], last[i])
    again = forward[0]  # a second fetch draws new transforms (as Keras), same samples
    np.testing.assert_array_equal(again[1], first[0][1])
    assert not np.allclose(again[0], first[0][0])


def test_next_cycles_forever_reshuffling_each_pass():
    x, _, _ = _arrays(5)
    it = ImageDataGenerator().flow(x, np.arange(5), batch_size=2, seed=1)
    passes = []
    for _ in range(3):
        batches = [it.next() for _ in range(3)]  # tf.keras 2's `it.next()`
        assert [len(b[1]) for b in batches] == [2, 2, 1]
        passes.append(np.concatenate([b[1] for b in batches]))
    assert all(sorted(p) == list(range(5)) for p in passes)
    assert len({tuple(p) for p in passes}) > 1
    assert iter(it) is it
    it.next()
    it.reset()
    assert it.batch_index == 0 and len(next(it)[1]) == 2


def _directory_pair(kimage, tree, capsys, gen_kwargs=None, **kwargs):
    ours = ImageDataGenerator(**(gen_kwargs or {})).flow_from_directory(tree, **kwargs)
    printed = capsys.readouterr().out
    theirs = kimage.ImageDataGenerator(**(gen_kwargs or {})).flow_from_directory(str(tree), **kwargs)
    assert printed == capsys.readouterr().out
    return ours, theirs, printed


@pytest.mark.parametrize("class_mode", ["categorical", "binary", "sparse", "input", None])
def test_flow_from_directory_matches_keras(kimage, tree, capsys, class_mode):
    ours, theirs, printed = _directory_pair(kimage, tree, capsys, dict(rescale=1 / 255), target_size=(6, 5),
                                            class_mode=class_mode, batch_size=3, shuffle=False)
    assert printed == "Found 7 images belonging to 3 classes.\n"
    assert isinstance(ours, DirectoryIterator)
    assert ours.class_indices == theirs.class_indices == {".ipynb_checkpoints": 0, "cats": 1, "dogs": 2}
    assert ours.filenames == theirs.filenames
    assert ours.filenames[:4] == ["cats/c1.png", "cats/c2.jpg", "cats/c3.PNG", "cats/nested/c4.png"]
    assert ours.filepaths == theirs.filepaths
    np.testing.assert_array_equal(ours.classes, theirs.classes)
    assert ours.classes.dtype == theirs.classes.dtype
    assert ours.samples == ours.n == 7 and ours.num_classes == 3
    _compare_epoch_and_next(ours, theirs)


@pytest.mark.parametrize("color_mode, data_format, interpolation", [("grayscale", "channels_last", "nearest"),
                                                                    ("rgba", "channels_first", "bilinear"),
                                                                    ("rgb", "channels_last", "bicubic")])
def test_flow_from_directory_color_modes_match_keras(kimage, tree, capsys, color_mode, data_format, interpolation):
    ours, theirs, _ = _directory_pair(kimage, tree, capsys, dict(data_format=data_format), target_size=(4, 7),
                                      color_mode=color_mode, classes=["dogs", "cats"], batch_size=4, shuffle=False,
                                      interpolation=interpolation, keep_aspect_ratio=color_mode == "rgb")
    assert ours.class_indices == {"dogs": 0, "cats": 1}
    assert ours.image_shape == theirs.image_shape
    _compare_epoch_and_next(ours, theirs)


@pytest.mark.parametrize("subset", ["training", "validation"])
def test_flow_from_directory_subsets_match_keras(kimage, tree, capsys, subset):
    ours, theirs, printed = _directory_pair(kimage, tree, capsys, dict(validation_split=0.34), target_size=(3, 3),
                                            subset=subset, shuffle=False)
    assert ours.filenames == theirs.filenames
    assert printed.startswith(f"Found {2 if subset == 'validation' else 5} images")
    _compare_epoch_and_next(ours, theirs)


def test_flow_from_directory_errors(tree):
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"`class_mode` must be one of \['categorical', 'binary', 'sparse', 'input', "
                                         r"None\]. Received: class_mode='raw'"):
        gen.flow_from_directory(tree, class_mode="raw")
    with pytest.raises(ValueError, match=r"`color_mode` must be 'rgb', 'rgba' or 'grayscale'. Received: color_mode='b"):
        gen.flow_from_directory(tree, color_mode="bgr")
    with pytest.raises(FileNotFoundError, match=r"`directory` must be an existing folder.*nowhere"):
        gen.flow_from_directory(tree / "nowhere")


def _frame(tree):
    return pd.DataFrame({
        "filename": ["cats/c1.png", "dogs/d1.png", "cats/c2.jpg", "dogs/d2.bmp", "cats/nested/c4.png", "missing.png",
                     "cats/notes.txt", "dogs/d3.jpeg"],
        "class": ["cat", "dog", "cat", "dog", "cat", "dog", "cat", "bird"],
        "tags": [["cat"], ["dog", "pet"], ["cat", "pet"], ["dog"], ["cat"], ["dog"], ["cat"], ["bird", "pet"]],
        "size": np.arange(8, dtype="float32"),
        "age": np.arange(8) * 2,
        "weight": np.linspace(0.5, 1.5, 8),
    })


DATAFRAME_CASES = [
    dict(class_mode="categorical"),
    dict(class_mode="categorical", y_col="tags"),
    dict(class_mode="categorical", classes=["dog", "cat"]),
    dict(class_mode="binary", classes=["cat", "dog"]),
    dict(class_mode="sparse", weight_col="weight"),
    dict(class_mode="raw", y_col="size"),
    dict(class_mode="raw", y_col=["size", "age"]),
    dict(class_mode="multi_output", y_col=["size", "age"]),
    dict(class_mode="input"),
    dict(class_mode=None, subset="validation"),
]


@pytest.mark.parametrize("case", DATAFRAME_CASES, ids=range(len(DATAFRAME_CASES)))
def test_flow_from_dataframe_matches_keras(kimage, tree, capsys, case):
    df = _frame(tree)
    kwargs = dict(directory=str(tree), target_size=(5, 4), batch_size=3, shuffle=False, **case)
    with pytest.warns(UserWarning, match=r'Found 2 invalid image filename\(s\) in x_col="filename"'):
        ours = ImageDataGenerator(validation_split=0.4).flow_from_dataframe(df, **kwargs)
    printed = capsys.readouterr().out
    theirs = kimage.ImageDataGenerator(validation_split=0.4).flow_from_dataframe(df, **kwargs)
    assert printed == capsys.readouterr().out
    assert isinstance(ours, DataFrameIterator)
    assert ours.filenames == theirs.filenames
    assert getattr(ours, "class_indices", None) == getattr(theirs, "class_indices", None)
    assert getattr(ours, "classes", None) == getattr(theirs, "classes", None)
    _compare_epoch_and_next(ours, theirs)


def test_flow_from_dataframe_without_validation_prints_non_validated(kimage, tree, capsys):
    df = _frame(tree).iloc[[0, 1, 2, 3]]
    ours = ImageDataGenerator().flow_from_dataframe(df, str(tree), validate_filenames=False, shuffle=False,
                                                    target_size=(3, 3))
    assert capsys.readouterr().out == "Found 4 non-validated image filenames belonging to 2 classes.\n"
    _same(ours[0], kimage.ImageDataGenerator().flow_from_dataframe(df, str(tree), validate_filenames=False,
                                                                     shuffle=False, target_size=(3, 3))[0])


def test_flow_from_dataframe_deprecated_arguments_warn(tree):
    df = _frame(tree).iloc[:2]
    with pytest.warns(DeprecationWarning, match='`class_mode="other"` is deprecated'):
        it = ImageDataGenerator().flow_from_dataframe(df, str(tree), y_col="size", class_mode="other")
    assert it.class_mode == "raw"
    with pytest.warns(DeprecationWarning, match="has_ext is deprecated"):
        ImageDataGenerator().flow_from_dataframe(df, str(tree), has_ext=True)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments: \['colour_mode'\]"):
        ImageDataGenerator().flow_from_dataframe(df, str(tree), colour_mode="rgb")


def test_flow_from_dataframe_errors(tree):
    df, gen = _frame(tree), ImageDataGenerator()
    with pytest.raises(ValueError, match=r"`class_mode` must be one of \[.*'multi_output'.*class_mode='one_hot'"):
        gen.flow_from_dataframe(df, str(tree), class_mode="one_hot")
    with pytest.raises(TypeError, match=r'class_mode="multi_output", `y_col` must be a list.*y_col=\'size\''):
        gen.flow_from_dataframe(df, str(tree), y_col="size", class_mode="multi_output")
    with pytest.raises(ValueError, match=r'If class_mode="binary" there must be 2 classes. Found 3 classes.'):
        gen.flow_from_dataframe(df, str(tree), class_mode="binary")
    with pytest.raises(TypeError, match=r'class_mode="sparse", y_col="size" column values must be strings.*"raw"'):
        gen.flow_from_dataframe(df, str(tree), y_col="size", class_mode="sparse")
    with pytest.raises(TypeError, match=r"Column weight_col='class' must be numeric"):
        gen.flow_from_dataframe(df, str(tree), weight_col="class")
