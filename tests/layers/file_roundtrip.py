"""Files both ways with real Keras: one helper for every layer family's parity tests.

``assert_files_cross_load(keras, tmp_path, build, x)`` builds the same model in strata and in Keras
(``build(lib)`` returns a model for the library module it is given), copies strata's weights into
Keras's model, then checks that ``.keras``, ``.weights.h5`` and legacy ``.h5`` files written by each
library load in the other with the weights carried bit for bit: a loaded model's predictions equal
those of the same library's model with the original weights exactly (difference 0), and the two
libraries agree to float32 rounding (strata may lower an op differently, e.g. convolutions on CPU).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import strata


def _outputs(model, x) -> list[np.ndarray]:
    out = model(x, training=False)
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def _max_diff(a, b) -> float:
    assert len(a) == len(b)
    assert all(p.shape == q.shape for p, q in zip(a, b))
    return max(float(np.max(np.abs(p - q))) for p, q in zip(a, b))


def _legacy(suffix: str):
    return pytest.warns(UserWarning, match="considered legacy") if suffix == ".h5" else contextlib.nullcontext()


def assert_files_cross_load(keras, tmp_path, build, x, suffixes=(".keras", ".weights.h5", ".h5"),
                            atol: float = 1e-5) -> None:
    """Every file kind written by strata loads in Keras and back, weights and predictions exact."""
    ours, theirs = build(strata), build(keras)
    theirs.set_weights([np.asarray(w) for w in ours.get_weights()])
    expected, keras_expected = _outputs(ours, x), _outputs(theirs, x)
    assert _max_diff(keras_expected, expected) <= atol
    for suffix in suffixes:
        strata_path, keras_path = tmp_path / f"strata{suffix}", tmp_path / f"keras{suffix}"
        if suffix == ".weights.h5":
            ours.save_weights(strata_path)
            loaded = build(keras)
            loaded.load_weights(strata_path)
            theirs.save_weights(keras_path)
            back = build(strata)
            back.load_weights(keras_path)
        else:
            with _legacy(suffix):
                ours.save(strata_path)
            loaded = keras.models.load_model(strata_path, compile=False)
            assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in ours.layers]
            theirs.save(keras_path)
            back = strata.models.load_model(keras_path, compile=False)
            for a, b in zip(back.layers, theirs.layers):
                ours_config = {k: v for k, v in a.get_config().items() if k != "name"}
                keras_config = {k: v for k, v in b.get_config().items() if k != "name"}
                assert _jsonish(ours_config) == _jsonish(keras_config), (suffix, a.name)
        for model, reference in ((loaded, ours), (back, ours)):
            assert all(np.array_equal(np.asarray(p), np.asarray(q))
                       for p, q in zip(model.get_weights(), reference.get_weights())), suffix
        assert _max_diff(_outputs(loaded, x), keras_expected) == 0.0, suffix
        assert _max_diff(_outputs(back, x), expected) == 0.0, suffix


def _jsonish(value):
    """Tuples and lists compare equal (a config read from JSON holds lists)."""
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonish(v) for v in value]
    return value
