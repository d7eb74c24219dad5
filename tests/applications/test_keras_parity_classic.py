"""VGG, ResNet and MobileNet against real Keras: names, counts, and predictions from Keras weights."""

from __future__ import annotations

import pytest

from tests.applications.parity import check_against_keras


@pytest.mark.keras
@pytest.mark.parametrize("name, size, base_output", [
    ("VGG16", 32, "block5_pool"),
    ("ResNet50", 32, "conv5_block3_out"),
    ("ResNet50V2", 32, "post_relu"),
    ("MobileNet", 32, "conv_pw_13_relu"),
    ("MobileNetV2", 32, "out_relu"),
])
def test_matches_keras(keras, tmp_path, name, size, base_output):
    check_against_keras(keras, name, size, tmp_path, base_output)
