"""DenseNet, InceptionV3, Xception and EfficientNet against real Keras (names, counts, predictions)."""

from __future__ import annotations

import pytest

from tests.applications.parity import check_against_keras


@pytest.mark.keras
@pytest.mark.parametrize("name, size, base_output", [
    ("DenseNet121", 32, "relu"),
    ("InceptionV3", 75, "mixed10"),
    ("Xception", 71, "block14_sepconv2_act"),
    ("EfficientNetB0", 32, "top_activation"),
])
def test_matches_keras(keras, tmp_path, name, size, base_output):
    check_against_keras(keras, name, size, tmp_path, base_output)
