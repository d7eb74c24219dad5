"""load_img, img_to_array, array_to_img and save_img against keras.utils (same Pillow calls, so the
pixels must be identical), and the observed values of KERAS_NOTES_2 §5.4."""

from __future__ import annotations

import io
import os
import pathlib

import numpy as np
import pytest
from PIL import Image

from strata import config
from strata.utils import array_to_img, img_to_array, load_img, save_img


@pytest.fixture
def png_10x14(tmp_path, write_image):
    path = tmp_path / "ten_by_fourteen.png"
    write_image(path, (10, 14), "RGB", 0)
    return os.fspath(path)


def same_image(ours, theirs):
    assert ours.mode == theirs.mode and ours.size == theirs.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_observed_values_of_the_notes(png_10x14):
    img = load_img(png_10x14)
    assert img.mode == "RGB" and img.size == (14, 10)
    assert load_img(png_10x14, target_size=(5, 6)).size == (6, 5)
    x = img_to_array(img)
    assert x.shape == (10, 14, 3) and x.dtype == np.float32
    assert img_to_array(load_img(png_10x14, color_mode="grayscale", target_size=(5, 6))).shape == (5, 6, 1)
    assert np.asarray(array_to_img(np.array([[[2.0], [4.0]]]))).tolist() == [[0, 255]]
    assert np.asarray(array_to_img(np.full((1, 1, 1), 0.5), scale=False)).tolist() == [[0]]


@pytest.mark.keras
@pytest.mark.parametrize("relative", ["cats/c0.jpg", "cats/c2.png", "cats/sub/nested.png", "horses/h2.gif",
                                      "horses/h1.bmp"])
@pytest.mark.parametrize("options", [
    {},
    {"color_mode": "grayscale"},
    {"color_mode": "rgba", "target_size": (5, 6)},
    {"target_size": (7, 20), "interpolation": "bilinear"},
    {"target_size": (9, 9), "interpolation": "lanczos", "keep_aspect_ratio": True},
    {"target_size": (4, 11), "interpolation": "box", "keep_aspect_ratio": True},
])
def test_load_img_matches_keras(image_tree, keras_oracle, relative, options):
    path = os.path.join(image_tree, relative)
    same_image(load_img(path, **options), keras_oracle.utils.load_img(path, **options))


def test_load_img_reads_paths_bytes_and_file_objects(png_10x14):
    reference = np.asarray(load_img(png_10x14))
    for source in (pathlib.Path(png_10x14), png_10x14.encode(), io.BytesIO(pathlib.Path(png_10x14).read_bytes())):
        np.testing.assert_array_equal(np.asarray(load_img(source)), reference)


def test_load_img_errors(png_10x14):
    with pytest.raises(TypeError, match=r"path should be path-like or io.BytesIO, not <class 'int'>"):
        load_img(3)
    with pytest.raises(ValueError, match=r'color_mode must be "grayscale", "rgb", or "rgba". '
                                         r"Received: color_mode='bgr'"):
        load_img(png_10x14, color_mode="bgr")
    with pytest.raises(ValueError, match=r"Invalid interpolation method area specified. Supported methods are "
                                         r"nearest, bilinear, bicubic, hamming, box, lanczos"):
        load_img(png_10x14, target_size=(5, 5), interpolation="area")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        load_img(os.path.join(os.path.dirname(png_10x14), "missing.png"))


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "I;16"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("dtype", [None, "uint8", "float64"])
def test_img_to_array_matches_keras(keras_oracle, mode, data_format, dtype):
    pixels = np.random.default_rng(0).integers(0, 255, (3, 5, {"RGB": 3, "RGBA": 4}.get(mode, 1)))
    pixels = pixels.astype("uint16" if mode == "I;16" else "uint8")
    img = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
    ours = img_to_array(img, data_format=data_format, dtype=dtype)
    theirs = keras_oracle.utils.img_to_array(img, data_format=data_format, dtype=dtype)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_img_to_array_follows_the_global_data_format_and_rejects_other_ranks():
    img = Image.fromarray(np.zeros((3, 5, 3), np.uint8))
    config.set_image_data_format("channels_first")
    try:
        assert img_to_array(img).shape == (3, 3, 5)
    finally:
        config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match=r"Unsupported image shape: \(1, 3, 5, 3\)"):
        img_to_array(np.zeros((1, 3, 5, 3)))
    with pytest.raises(ValueError, match=r"The `data_format` argument must be one of .* "
                                         r"Received: data_format='nhwc'"):
        img_to_array(img, data_format="nhwc")


@pytest.mark.keras
@pytest.mark.parametrize("array, kwargs", [
    (np.random.default_rng(1).random((4, 6, 3)), {}),
    (np.random.default_rng(2).random((4, 6, 4)) * 9 - 3, {}),
    (np.random.default_rng(3).random((4, 6, 1)) * 200, {"scale": False}),
    (np.full((2, 2, 1), 300.0) + np.arange(4.0).reshape(2, 2, 1), {"scale": False}),
    (np.zeros((2, 3, 3)), {}),
    (np.random.default_rng(4).random((3, 4, 6)), {"data_format": "channels_first"}),
    (np.arange(24, dtype=np.uint8).reshape(2, 4, 3), {"dtype": "float64"}),
])
def test_array_to_img_matches_keras(keras_oracle, array, kwargs):
    same_image(array_to_img(array, **kwargs), keras_oracle.utils.array_to_img(array, **kwargs))


def test_array_to_img_errors():
    with pytest.raises(ValueError, match=r"Expected image array to have rank 3 \(single image\). "
                                         r"Got array with shape: \(4, 6\)"):
        array_to_img(np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"Unsupported channel number: 2. Pass 1, 3 or 4 channels."):
        array_to_img(np.zeros((4, 6, 2)))


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs", [
    ("a.png", {}), ("b.jpg", {"quality": 95}), ("c.JPEG", {}), ("d.bmp", {"scale": False}),
    ("e.png", {"data_format": "channels_first"}),
])
def test_save_img_writes_what_keras_writes(tmp_path, keras_oracle, name, kwargs):
    array = np.random.default_rng(5).random((3, 8, 8) if "data_format" in kwargs else (8, 8, 3)) * 255
    save_img(tmp_path / f"ours_{name}", array, **kwargs)
    keras_oracle.utils.save_img(tmp_path / f"keras_{name}", array, **kwargs)
    assert (tmp_path / f"ours_{name}").read_bytes() == (tmp_path / f"keras_{name}").read_bytes()


def test_save_img_to_a_file_object_and_rgba_as_jpeg(tmp_path):
    buffer = io.BytesIO()
    save_img(buffer, np.ones((4, 4, 3)), file_format="png")
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "PNG"
    rgba = np.random.default_rng(6).random((4, 4, 4))
    with pytest.warns(UserWarning, match=r"The JPEG format does not support RGBA images, converting to RGB."):
        save_img(tmp_path / "x.jpg", rgba)
    assert load_img(tmp_path / "x.jpg", color_mode="rgba").mode == "RGBA"
    with Image.open(tmp_path / "x.jpg") as written:
        assert written.mode == "RGB"
