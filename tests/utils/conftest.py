"""A small image folder tree shared by the image utility tests (made once per session)."""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest
from PIL import Image

# (relative path, (height, width), Pillow mode). Noise images, so any resize or order error shows.
TREE = [
    ("cats/c0.jpg", (12, 16), "RGB"),
    ("cats/c1.jpg", (16, 12), "RGB"),
    ("cats/c2.png", (12, 16), "RGBA"),
    ("cats/C3.JPG", (10, 14), "RGB"),
    ("cats/sub/nested.png", (12, 16), "L"),
    ("dogs/d0.png", (12, 16), "RGB"),
    ("dogs/d1.jpg", (16, 12), "RGB"),
    ("dogs/d2.jpg", (12, 16), "RGB"),
    ("horses/h0.png", (12, 16), "RGB"),
    ("horses/h1.bmp", (10, 14), "RGB"),
    ("horses/h2.gif", (12, 16), "P"),
    (".hidden/x.png", (12, 16), "RGB"),
    ("top.png", (12, 16), "RGB"),
]
OTHER_FILES = ["cats/notes.txt", "readme.txt"]


def _write_image(path: pathlib.Path, size: tuple[int, int], mode: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "RGBA": 4, "L": 1, "P": 3}[mode]
    pixels = rng.integers(0, 256, size + (channels,), dtype=np.uint8)
    img = Image.fromarray(pixels[..., 0] if channels == 1 else pixels)
    if mode == "P":
        img = img.convert("RGB").quantize(16)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


@pytest.fixture(scope="session")
def write_image():
    """``write_image(path, (height, width), mode, seed)``: save a noise image (mode RGB, RGBA, L or P)."""
    return _write_image


@pytest.fixture(scope="session")
def image_tree(tmp_path_factory) -> str:
    """``root/{cats,dogs,horses}/...``, a hidden folder, a top-level image and two text files."""
    root = tmp_path_factory.mktemp("images")
    for seed, (relative, size, mode) in enumerate(TREE):
        _write_image(root / relative, size, mode, seed)
    for relative in OTHER_FILES:
        (root / relative).write_text("not an image")
    return os.fspath(root)
