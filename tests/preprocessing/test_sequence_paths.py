"""tf.keras 2 import paths: ``preprocessing.sequence`` (pad_sequences, TimeseriesGenerator),
``preprocessing.image`` (the full tf.keras 2 set, smart_resize included) and the dataset aliases.

TimeseriesGenerator expectations are worked out by hand from tf.keras 2's documented semantics
(its docstring example is the first test)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import strata
from strata import preprocessing, utils
from strata.preprocessing.sequence import TimeseriesGenerator, pad_sequences

SERIES = np.array([[i] for i in range(50)])


def test_tf_keras_docstring_example():
    gen = TimeseriesGenerator(SERIES, SERIES, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 20  # (49 - 10 + 2 * 1) // (2 * 1)
    x, y = gen[0]
    np.testing.assert_array_equal(x, [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]])
    np.testing.assert_array_equal(y, [[10], [11]])
    x, y = gen[19]  # rows 48, 49
    np.testing.assert_array_equal(y, [[48], [49]])
    np.testing.assert_array_equal(x[1, :, 0], [39, 41, 43, 45, 47])


def test_reverse_stride_start_and_end_index():
    gen = TimeseriesGenerator(SERIES, SERIES, length=10, sampling_rate=2, reverse=True, batch_size=2)
    np.testing.assert_array_equal(gen[0][0][0, :, 0], [8, 6, 4, 2, 0])
    gen = TimeseriesGenerator(SERIES, SERIES + 100, length=4, stride=3, start_index=5, end_index=30, batch_size=3)
    assert (gen.start_index, gen.end_index) == (9, 30)
    assert len(gen) == 3  # (30 - 9 + 9) // 9
    x, y = gen[0]  # target rows 9, 12, 15; windows data[row - 4: row]
    np.testing.assert_array_equal(y[:, 0], [109, 112, 115])
    np.testing.assert_array_equal(x[:, :, 0], [[5, 6, 7, 8], [8, 9, 10, 11], [11, 12, 13, 14]])
    x, y = gen[2]  # rows 27, 30: a short last batch
    np.testing.assert_array_equal(y[:, 0], [127, 130])
    assert [len(b[1]) for b in gen] == [3, 3, 2]
    assert TimeseriesGenerator(SERIES, SERIES, length=2, workers=2).workers == 2


def test_lists_and_multidimensional_targets():
    gen = TimeseriesGenerator(list(range(8)), [[i, -i] for i in range(8)], length=3, batch_size=4)
    x, y = gen[0]
    assert x.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    assert y.tolist() == [[3, -3], [4, -4], [5, -5], [6, -6]]
    assert len(gen) == 2 and gen[1][1].tolist() == [[7, -7]]


def test_shuffle_draws_rows_with_numpy_global_generator():
    gen = TimeseriesGenerator(SERIES, SERIES, length=5, shuffle=True, batch_size=6)
    np.random.seed(3)
    _, y = gen[0]
    np.random.seed(3)
    rows = np.random.randint(5, 50, size=6)
    np.testing.assert_array_equal(y[:, 0], rows)
    assert len(list(gen)) == len(gen) == 8  # (49 - 5 + 6) // 6


def test_errors():
    with pytest.raises(ValueError, match="Data and targets have to be of same length. Data length is 50 while "
                                         "target length is 49"):
        TimeseriesGenerator(SERIES, SERIES[1:], length=3)
    with pytest.raises(ValueError, match="`start_index\\+length=10 > end_index=4` is disallowed, as no part of "
                                         "the sequence would be left to be used as current step."):
        TimeseriesGenerator(SERIES[:5], SERIES[:5], length=10)
    with pytest.raises(ValueError, match="`length` must be a positive integer. Received: length=0"):
        TimeseriesGenerator(SERIES, SERIES, length=0)
    with pytest.raises(IndexError, match="Batch index 20 is out of range for a generator of 20 batches"):
        TimeseriesGenerator(SERIES, SERIES, length=10, batch_size=2, sampling_rate=2)[20]


def test_config_and_json_follow_tf_keras():
    gen = TimeseriesGenerator(np.arange(6), np.arange(6) * 2, length=2, batch_size=2)
    config = json.loads(gen.to_json())
    assert config["class_name"] == "TimeseriesGenerator"
    assert config["config"]["data"] == "[0, 1, 2, 3, 4, 5]" and config["config"]["start_index"] == 2
    assert config["config"]["end_index"] == 5 and config["config"]["batch_size"] == 2
    with pytest.raises(TypeError, match="Data not JSON Serializable"):
        TimeseriesGenerator([object()] * 3, [0] * 3, length=1).get_config()


def test_fit_accepts_the_generator():
    series = np.sin(np.arange(120, dtype="float32") / 6)[:, None]
    gen = TimeseriesGenerator(series, series, length=5, batch_size=16)
    model = strata.Sequential([strata.Input((5, 1)), strata.layers.Flatten(), strata.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(gen, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


@pytest.mark.keras
def test_pad_sequences_path_matches_keras(keras_oracle):
    sequences = [[1, 2, 3], [4], [5, 6]]
    assert pad_sequences is utils.pad_sequences
    np.testing.assert_array_equal(pad_sequences(sequences, maxlen=2, padding="post"),
                                  keras_oracle.preprocessing.sequence.pad_sequences(sequences, maxlen=2,
                                                                                    padding="post"))


def test_tf_keras_2_names_are_importable():
    image_names = ["ImageDataGenerator", "load_img", "img_to_array", "array_to_img", "save_img", "DirectoryIterator",
                   "NumpyArrayIterator", "smart_resize"]
    assert all(hasattr(preprocessing.image, name) for name in image_names)
    assert preprocessing.timeseries_dataset_from_array is utils.timeseries_dataset_from_array
    assert preprocessing.text_dataset_from_directory is utils.text_dataset_from_directory
    assert preprocessing.image_dataset_from_directory is utils.image_dataset_from_directory
    from strata.preprocessing.text import Tokenizer, hashing_trick, one_hot, text_to_word_sequence  # noqa: F401


@pytest.mark.keras
@pytest.mark.parametrize("shape, kwargs", [
    ((10, 14, 3), dict()),
    ((14, 10, 1), dict(interpolation="nearest")),
    ((2, 9, 16, 3), dict(interpolation="bicubic")),
    ((3, 10, 14), dict(data_format="channels_first")),
    ((6, 5, 3), dict()),
])
def test_smart_resize_matches_keras(keras_oracle, shape, kwargs):
    image = np.random.default_rng(0).integers(0, 256, shape).astype("uint8")
    expected = keras_oracle.preprocessing.image.smart_resize(image, (6, 5), **kwargs)
    ours = preprocessing.image.smart_resize(image, (6, 5), **kwargs)
    assert isinstance(ours, np.ndarray) and ours.dtype == np.float32 and ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, atol=1e-3)


def test_smart_resize_other_inputs_and_errors():
    import jax

    out = preprocessing.image.smart_resize(np.ones((4, 4, 3)).tolist(), (2, 2))
    assert isinstance(out, jax.Array) and out.shape == (2, 2, 3)
    with pytest.raises(ValueError, match="Expected `size` to be a tuple of 2 integers, but got: \\(2,\\)."):
        preprocessing.image.smart_resize(np.ones((4, 4, 3)), (2,))
    with pytest.raises(ValueError, match="got input with incorrect rank, of shape \\(4, 4\\)"):
        preprocessing.image.smart_resize(np.ones((4, 4)), (2, 2))
    with pytest.raises(TypeError, match="smart_resize\\(\\) got unexpected keyword arguments: \\['scale'\\]"):
        preprocessing.image.smart_resize(np.ones((4, 4, 3)), (2, 2), scale=2)


def test_doctest_examples_run():
    import doctest

    from strata.preprocessing import sequence, smart_resize, text, text_hashing, text_tokenizer

    for module in (sequence, smart_resize, text, text_hashing, text_tokenizer):
        failures, tried = doctest.testmod(module, extraglobs={"np": np})
        assert failures == 0 and tried > 0, module.__name__
