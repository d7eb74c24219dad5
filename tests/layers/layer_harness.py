"""The shared layer-test harness: shapes, weights, config round trip, a training step, Keras parity."""

from __future__ import annotations

import numpy as np


def _strip(config: dict) -> dict:
    return {k: v for k, v in config.items() if k != "name"}


def run_layer_test(layer_cls, kwargs: dict, input_shape: tuple, keras=None, keras_cls_name: str | None = None,
                   expected_output_shape: tuple | None = None, expected_num_weights: int | None = None,
                   train: bool = True, atol: float = 1e-6) -> None:
    """Check one layer class end to end (tolerance ``atol`` for parity, float32)."""
    from strata.layers import Dense, Input
    from strata.models import Sequential

    rs = np.random.RandomState(0)
    x = rs.standard_normal(input_shape).astype("float32")
    layer = layer_cls(**kwargs)
    y = np.asarray(layer(x))
    if expected_output_shape is not None:
        assert y.shape == expected_output_shape
    symbolic = layer_cls(**kwargs)(Input(shape=input_shape[1:]))
    assert symbolic.shape == (None,) + y.shape[1:]
    if expected_num_weights is not None:
        assert len(layer.weights) == expected_num_weights
    # Config round trip gives an equivalent layer.
    clone = layer_cls.from_config(layer.get_config())
    assert _strip(clone.get_config()) == _strip(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x)), y, atol=atol)
    if train:
        model = Sequential([Input(input_shape[1:]), layer_cls(**kwargs)] +
                           ([] if y.ndim == 2 else [__import__("strata").layers.Flatten()]) + [Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        before = [w.copy() for w in model.get_weights()]
        history = model.fit(x, rs.standard_normal((input_shape[0], 1)).astype("float32"), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    if keras is not None:
        keras_layer = getattr(keras.layers, keras_cls_name or layer_cls.__name__)(**kwargs)
        keras_layer.build(input_shape)
        keras_layer.set_weights(layer.get_weights())
        np.testing.assert_allclose(y, np.asarray(keras_layer(x)), atol=atol, rtol=1e-6)
        ours = _strip(layer.get_config())
        theirs = _strip(keras_layer.get_config())
        assert ours == theirs, (ours, theirs)
