"""image_dataset_from_directory against Keras 3.15.1's own pieces (Grain is not installed, TensorFlow is
never used): ``dataset_utils.index_directory`` and ``get_training_or_validation_split`` for the printed
lines, file order, shuffle and split; ``keras.utils.load_img`` + ``keras.ops.image.resize`` (what the
Grain path runs per file) for the pixels."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from PIL import Image, UnidentifiedImageError

from strata.utils import PyDataset, image_dataset_from_directory
from strata.utils.image_folder_dataset import ImageFolderDataset

FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
CLASSES = ["cats", "dogs", "horses"]
N_LABELLED = 11  # the conftest tree without its hidden folder and top-level file
RESIZE_ATOL = 1e-3  # float32 summation order of jax's einsum vs our gathers, on a 0-255 scale


@pytest.fixture(scope="module")
def dataset_utils(keras_oracle):
    from keras.src.utils import dataset_utils

    return dataset_utils


def make(directory, **kwargs):
    kwargs.setdefault("image_size", (6, 8))
    kwargs.setdefault("batch_size", 4)
    return image_dataset_from_directory(directory, **kwargs)


def batches(ds):
    return [ds[i] for i in range(len(ds))]


# --- indexing, printed lines, order ---------------------------------------------------------------

@pytest.mark.keras
@pytest.mark.parametrize("labels, shuffle", [("inferred", False), ("inferred", True), (None, False), (None, True)])
def test_found_line_file_order_and_shuffle_match_keras(image_tree, dataset_utils, capsys, labels, shuffle):
    paths, keras_labels, class_names = dataset_utils.index_directory(
        image_tree, labels, formats=FORMATS, shuffle=shuffle, seed=1337)
    keras_out = capsys.readouterr().out
    ds = make(image_tree, labels=labels, shuffle=shuffle, seed=1337)
    assert capsys.readouterr().out == keras_out
    assert keras_out == ("Found 11 files belonging to 3 classes.\n" if labels else "Found 13 files.\n")
    assert ds.file_paths == paths
    assert ds.class_names == class_names
    if labels:
        assert np.concatenate([y for _, y in batches(ds)]).tolist() == list(keras_labels)


def test_classes_are_sorted_visible_subfolders_and_files_are_found_recursively(image_tree):
    ds = make(image_tree, shuffle=False, verbose=False)
    assert ds.class_names == CLASSES
    relative = [os.path.relpath(p, image_tree) for p in ds.file_paths]
    assert relative == ["cats/C3.JPG", "cats/c0.jpg", "cats/c1.jpg", "cats/c2.png", "cats/sub/nested.png",
                        "dogs/d0.png", "dogs/d1.jpg", "dogs/d2.jpg", "horses/h0.png", "horses/h1.bmp",
                        "horses/h2.gif"]


def test_class_names_pick_and_order_the_classes(image_tree, capsys):
    ds = make(image_tree, class_names=["horses", "cats"], shuffle=False, label_mode="binary")
    assert capsys.readouterr().out == "Found 8 files belonging to 2 classes.\n"
    labels = np.concatenate([y for _, y in batches(ds)])
    assert labels.dtype == np.float32 and labels.shape == (8, 1)
    assert labels[:, 0].tolist() == [0.0] * 3 + [1.0] * 5


@pytest.mark.keras
def test_explicit_labels_list_matches_keras(image_tree, dataset_utils, capsys):
    given = [3, 1, 1, 0, 3, 1, 0, 0, 3, 1, 1, 0, 3]  # labels=[...] reads the whole tree: 13 files
    _, keras_labels, keras_classes = dataset_utils.index_directory(
        image_tree, list(given), formats=FORMATS, shuffle=True, seed=5)  # Keras shuffles the list in place
    keras_out = capsys.readouterr().out
    ds = make(image_tree, labels=given, seed=5)
    assert given == [3, 1, 1, 0, 3, 1, 0, 0, 3, 1, 1, 0, 3]  # strata leaves the caller's list alone
    assert capsys.readouterr().out == keras_out == "Found 13 files belonging to 3 classes.\n"
    assert ds.class_names == keras_classes == ["0", "1", "3"]
    assert np.concatenate([y for _, y in batches(ds)]).tolist() == list(keras_labels)


@pytest.mark.keras
def test_follow_links_matches_keras(image_tree, dataset_utils, tmp_path, capsys, write_image):
    root = tmp_path / "linked"
    (root / "cats").mkdir(parents=True)
    write_image(root / "cats" / "own.png", (12, 16), "RGB", 0)
    os.symlink(os.path.join(image_tree, "dogs"), root / "cats" / "link")
    for follow in (False, True):
        paths, _, _ = dataset_utils.index_directory(os.fspath(root), "inferred", formats=FORMATS,
                                                    shuffle=False, follow_links=follow)
        ds = make(os.fspath(root), shuffle=False, follow_links=follow)
        assert ds.file_paths == paths and len(paths) == (4 if follow else 1)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == out[1] and out[2] == out[3]


def test_seed_none_draws_from_numpy_global_state_like_keras(image_tree):
    saved = np.random.get_state()
    np.random.seed(7)
    expected_seed = np.random.RandomState(7).randint(1e6)
    try:
        ds = make(image_tree, verbose=False)
    finally:
        np.random.set_state(saved)
    assert ds.seed == expected_seed
    reference = make(image_tree, verbose=False, shuffle=False).file_paths
    np.random.RandomState(expected_seed).shuffle(reference)
    assert ds.file_paths == reference


# --- split ------------------------------------------------------------------------------------------

@pytest.mark.keras
@pytest.mark.parametrize("subset", ["training", "validation", "both"])
def test_split_lines_sizes_and_files_match_keras(image_tree, dataset_utils, capsys, subset):
    paths, labels, _ = dataset_utils.index_directory(image_tree, "inferred", formats=FORMATS, seed=42)
    expected = {}
    for part in (["training", "validation"] if subset == "both" else [subset]):
        expected[part] = dataset_utils.get_training_or_validation_split(paths, labels, 0.3, part)
    keras_out = capsys.readouterr().out
    result = make(image_tree, validation_split=0.3, subset=subset, seed=42)
    assert capsys.readouterr().out == keras_out
    datasets = dict(zip(expected, result if subset == "both" else [result]))
    for part, ds in datasets.items():
        assert ds.file_paths == list(expected[part][0])
        assert np.concatenate([y for _, y in batches(ds)]).tolist() == list(expected[part][1])
    if subset == "both":
        assert keras_out == ("Found 11 files belonging to 3 classes.\nUsing 8 files for training.\n"
                             "Using 3 files for validation.\n")
        train, val = result
        assert not set(train.file_paths) & set(val.file_paths)
        assert sorted(train.file_paths + val.file_paths) == sorted(paths)


def test_split_messages_print_even_when_not_verbose(image_tree, capsys):
    make(image_tree, validation_split=0.2, subset="validation", seed=1, verbose=False)
    assert capsys.readouterr().out == "Using 2 files for validation.\n"


# --- outputs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label_mode, dtype, shape", [
    ("int", np.int32, (4,)), ("categorical", np.float32, (4, 3)), (None, None, None)])
def test_label_modes_dtypes_and_shapes(image_tree, label_mode, dtype, shape):
    ds = make(image_tree, label_mode=label_mode, shuffle=False, verbose=False)
    first = ds[0]
    if label_mode is None:
        assert isinstance(first, np.ndarray) and first.shape == (4, 6, 8, 3)
        return
    images, labels = first
    assert images.dtype == np.float32 and images.shape == (4, 6, 8, 3)
    assert labels.dtype == dtype and labels.shape == shape
    if label_mode == "categorical":
        np.testing.assert_array_equal(labels, np.eye(3, dtype=np.float32)[[0, 0, 0, 0]])


def test_batches_partial_last_unbatched_and_square_size(image_tree):
    ds = make(image_tree, batch_size=4, shuffle=False, verbose=False)
    assert isinstance(ds, (ImageFolderDataset, PyDataset)) and len(ds) == 3
    assert [x.shape[0] for x, _ in ds] == [4, 4, 3]
    single = make(image_tree, batch_size=None, image_size=5, shuffle=False, verbose=False)
    assert len(single) == N_LABELLED
    image, label = single[4]
    assert image.shape == (5, 5, 3) and label.dtype == np.int32 and label.shape == ()
    assert [y.tolist() for _, y in single.take(2)] == [0, 0]
    with pytest.raises(IndexError, match="Batch index 11 is out of range for a dataset of 11 batches"):
        single[11]


@pytest.mark.keras
@pytest.mark.parametrize("options", [
    {},
    {"interpolation": "bicubic", "image_size": (20, 9), "color_mode": "grayscale"},
    {"interpolation": "nearest", "color_mode": "rgba", "crop_to_aspect_ratio": True},
    {"interpolation": "lanczos3", "pad_to_aspect_ratio": True, "data_format": "channels_first"},
])
def test_images_match_keras_load_img_and_resize(image_tree, keras_oracle, options):
    keras = keras_oracle
    ds = make(image_tree, shuffle=False, verbose=False, batch_size=16, **options)
    images, _ = ds[0]
    size = options.get("image_size", (6, 8))
    expected = []
    for path in ds.file_paths:
        x = keras.utils.img_to_array(keras.utils.load_img(path, color_mode=options.get("color_mode", "rgb")),
                                     data_format="channels_last")
        x = keras.ops.image.resize(x, size, interpolation=options.get("interpolation", "bilinear"),
                                   crop_to_aspect_ratio=options.get("crop_to_aspect_ratio", False),
                                   pad_to_aspect_ratio=options.get("pad_to_aspect_ratio", False),
                                   data_format="channels_last")
        expected.append(np.asarray(x))
    expected = np.stack(expected)
    if options.get("data_format") == "channels_first":
        expected = expected.transpose(0, 3, 1, 2)
    assert images.dtype == np.float32 and images.shape == expected.shape
    if options.get("interpolation", "bilinear") in ("bilinear", "nearest"):  # cubic kernels overshoot (as in Keras)
        assert images.min() >= 0 and images.max() <= 255 + RESIZE_ATOL
    np.testing.assert_allclose(images, expected, rtol=0, atol=RESIZE_ATOL)


# --- epochs -------------------------------------------------------------------------------------------

def _epoch_order(ds, reference):
    fingerprint = {x.tobytes(): path for x, path in zip(np.concatenate(batches(reference)), reference.file_paths)}
    return [fingerprint[x.tobytes()] for x in np.concatenate(batches(ds))]


def test_reshuffles_every_epoch_reproducibly_from_the_seed(image_tree):
    reference = make(image_tree, label_mode=None, shuffle=False, verbose=False)
    orders = []
    for _ in range(2):
        ds = make(image_tree, label_mode=None, seed=3, verbose=False)
        epochs = [_epoch_order(ds, reference)]
        for _ in range(2):
            ds.on_epoch_end()
            epochs.append(_epoch_order(ds, reference))
        orders.append(epochs)
    first, second = orders
    assert first == second  # same seed, same epochs
    assert first[0] == ds.file_paths  # the first epoch follows file_paths
    assert first[0] != first[1] != first[2] and sorted(first[1]) == sorted(first[0])
    other = make(image_tree, label_mode=None, seed=4, verbose=False)
    other.on_epoch_end()
    assert _epoch_order(other, reference) != first[1]


def test_iteration_ends_the_epoch_and_unshuffled_data_keep_their_order(image_tree):
    ds = make(image_tree, seed=3, verbose=False)
    first = [y.tolist() for _, y in ds]
    second = [y.tolist() for _, y in ds]
    assert first != second
    fixed = make(image_tree, shuffle=False, verbose=False)
    assert [y.tolist() for _, y in fixed] == [y.tolist() for _, y in fixed]
    train, val = make(image_tree, validation_split=0.5, subset="both", seed=1, verbose=False)
    assert train.shuffle and not val.shuffle


# --- bad files and errors -------------------------------------------------------------------------------

def test_corrupt_file_fails_when_its_batch_is_read_naming_the_file(tmp_path, capsys, write_image):
    # Keras (Grain path) counts the file, then PIL raises UnidentifiedImageError naming it when the
    # batch is read; a truncated file raises a plain OSError there. strata raises the same OSError
    # subclass for both, naming the file.
    for name in ("a.png", "b.png"):
        write_image(tmp_path / "cats" / name, (12, 16), "RGB", 1)
    (tmp_path / "cats" / "bad.jpg").write_text("not an image")
    write_image(tmp_path / "dogs" / "ok.jpg", (12, 16), "RGB", 2)
    data = (tmp_path / "dogs" / "ok.jpg").read_bytes()
    (tmp_path / "dogs" / "truncated.jpg").write_bytes(data[: len(data) // 2])
    ds = make(os.fspath(tmp_path), batch_size=1, shuffle=False)
    assert capsys.readouterr().out == "Found 5 files belonging to 2 classes.\n"
    ds[0]
    bad = os.path.join(os.fspath(tmp_path), "cats", "bad.jpg")
    with pytest.raises(UnidentifiedImageError, match=f"Could not decode the image file '{re.escape(bad)}'"):
        ds[2]
    truncated = os.path.join(os.fspath(tmp_path), "dogs", "truncated.jpg")
    with pytest.raises(OSError, match=f"'{re.escape(truncated)}'.*delete or replace it"):
        ds[4]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"image_size": (0, 8)}, ValueError,
     r"Invalid `image_size` value. Expected a tuple of 2 positive integers .* Received: image_size=\(0, 8\)"),
    ({"image_size": (6.0, 8)}, ValueError, r"Received: image_size=\(6.0, 8\)"),
    ({"image_size": (6, 8, 3)}, ValueError, r"Received: image_size=\(6, 8, 3\)"),
    ({"label_mode": "sparse"}, ValueError,
     r'`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: label_mode=sparse'),
    ({"color_mode": "bgr"}, ValueError,
     r'`color_mode` must be one of \{"rgb", "rgba", "grayscale"\}. Received: color_mode=bgr'),
    ({"subset": "test", "validation_split": 0.2, "seed": 1}, ValueError,
     r'`subset` must be either "training", "validation" or "both", received: test'),
    ({"validation_split": 1.5, "subset": "training"}, ValueError,
     r"`validation_split` must be between 0 and 1, received: 1.5"),
    ({"subset": "training"}, ValueError, r"If `subset` is set, `validation_split` must be set, and inversely"),
    ({"validation_split": 0.2, "subset": "training"}, ValueError,
     r"If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make sure "
     r"that there is no overlap between the training and validation subset."),
    ({"validation_split": 0.05, "subset": "validation", "seed": 1}, ValueError,
     r"validation_split=0.05 of 11 files leaves no validation file \(int\(0.05 \* 11\) = 0\)"),
    ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, ValueError,
     r"Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`"),
    ({"interpolation": "area"}, ValueError, r"Argument `interpolation` should be one of .*interpolation=area"),
    ({"format": "torch"}, ValueError, r'`format` should be either "tf" or "grain". Received: format=torch'),
    ({"batch_size": 0}, ValueError, r"`batch_size` must be a positive integer, or None .* batch_size=0"),
    ({"labels": "folders"}, ValueError, r"`labels` argument should be a list/tuple of integer labels"),
    ({"labels": [0, 1], "class_names": ["a"]}, ValueError, r"You can only pass `class_names` if `labels=\"inferred\"`"),
    ({"labels": [0, 1]}, ValueError,
     r"Expected the lengths of `labels` to match the number of files in the target directory. len\(labels\) is 2 "
     r"while we found 13 files"),
    ({"class_names": ["cats", "cows"]}, ValueError,
     r"The `class_names` passed did not match the names of the subdirectories of the target directory. "
     r"Expected: \['cats', 'dogs', 'horses'\] \(or a subset of it\), but received: class_names=\['cats', 'cows'\]"),
    ({"label_mode": "binary"}, ValueError,
     r'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
     r"Received: class_names=\['cats', 'dogs', 'horses'\]"),
    ({"labels": [0] * 12 + [5], "label_mode": "categorical"}, ValueError,
     r"label_mode='categorical' needs labels in \[0, 2\) \(one per class\). Received labels from 0 to 5"),
    ({"data_format": "channels_middle"}, ValueError, r"The `data_format` argument must be one of"),
])
def test_errors_name_the_argument_and_the_fix(image_tree, kwargs, error, match):
    with pytest.raises(error, match=match):
        make(image_tree, verbose=False, **kwargs)


def test_missing_empty_and_flat_directories_say_what_was_found(image_tree, tmp_path, write_image):
    with pytest.raises(FileNotFoundError, match=r"The directory '.*nowhere' does not exist. Pass the folder that "
                                                r"holds one sub-folder per class \(directory/class_a/xxx.jpg"):
        make(os.fspath(tmp_path / "nowhere"))
    with pytest.raises(NotADirectoryError, match=r"`directory` must be a folder, but '.*top.png' is a file"):
        make(os.path.join(image_tree, "top.png"))
    flat = tmp_path / "flat"
    write_image(flat / "a.png", (12, 16), "RGB", 0)
    with pytest.raises(ValueError, match=r"No images found in directory .*flat. Allowed formats: .* it has no "
                                         r"class sub-folders \(1 files at its top level, 1 of them images\). "
                                         r"Expected one sub-folder of images per class: directory/class_a/xxx.jpg.*"
                                         r"pass labels=None"):
        make(os.fspath(flat), verbose=False)
    assert len(make(os.fspath(flat), labels=None, verbose=False)) == 1
    (tmp_path / "texts" / "a").mkdir(parents=True)
    (tmp_path / "texts" / "a" / "x.txt").write_text("hi")
    with pytest.raises(ValueError, match=r"its class sub-folders \['a'\] hold no file with an allowed extension"):
        make(os.fspath(tmp_path / "texts"), verbose=False)
    with pytest.raises(ValueError, match=r"Found: no file under it has an allowed extension"):
        make(os.fspath(tmp_path / "texts"), labels=None, verbose=False)


def test_gray_16_bit_files_keep_their_values(tmp_path):
    values = np.array([[0, 1000], [40000, 65535]], dtype=np.uint16)
    (tmp_path / "a").mkdir()
    Image.fromarray(values).save(tmp_path / "a" / "deep.png")
    images, _ = make(os.fspath(tmp_path), color_mode="grayscale", image_size=(2, 2), verbose=False)[0]
    np.testing.assert_array_equal(images[0, :, :, 0], values.astype(np.float32))


def test_fit_streams_the_dataset(image_tree):
    import strata
    from strata import layers

    train, val = make(image_tree, validation_split=0.25, subset="both", seed=1, verbose=False)
    model = strata.Sequential([layers.Input((6, 8, 3)), layers.Rescaling(1 / 255), layers.Flatten(),
                               layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.params["steps"] == len(train) == 3


def test_fit_keeps_the_datasets_own_batch_order(image_tree):
    """fit(shuffle=True) reorders a plain PyDataset's batches, but a folder dataset orders its own files
    (reshuffled per epoch when it shuffles, fixed when not), as Keras's datasets do."""
    import strata
    from strata import layers

    dataset = make(image_tree, shuffle=False, batch_size=4, verbose=False)
    order = [labels.tolist() for _, labels in dataset]
    seen = []
    original = type(dataset).__getitem__

    def recording_getitem(self, index):
        images, labels = original(self, index)
        seen.append(labels.tolist())
        return images, labels

    model = strata.Sequential([layers.Input((6, 8, 3)), layers.Flatten(), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    type(dataset).__getitem__ = recording_getitem
    try:
        model.fit(dataset, epochs=2, verbose=0)  # fit's default shuffle=True
    finally:
        type(dataset).__getitem__ = original
    assert seen[1:] == order + order  # the first read builds the model; then both epochs in file order
