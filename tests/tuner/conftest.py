"""The tuner tests' oracle: real KerasTuner 1.4.8 on Keras's JAX backend."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def kt_oracle():
    """The real ``keras_tuner`` package (KerasTuner 1.4.8 on Keras's JAX backend)."""
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "jax":
        pytest.skip("KerasTuner parity tests need KERAS_BACKEND=jax")
    return pytest.importorskip("keras_tuner")
