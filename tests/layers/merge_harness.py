"""The layer-test harness for merge layers, which take ONE argument: a list of tensors.

Sibling of ``layer_harness.run_layer_test``: eager and symbolic output shapes, no weights, config
round trip, a functional model with the merge that trains and survives ``get_config``/``from_config``,
and parity with the same Keras layer (values and config).
"""

from __future__ import annotations

import numpy as np


def _strip(config: dict) -> dict:
    return {k: v for k, v in config.items() if k != "name"}


def _merge_model(layer_cls, kwargs: dict, input_shapes: list[tuple]):
    """Inputs -> one Dense per input (keeping its last size) -> merge -> [Flatten] -> Dense(1)."""
    from strata import layers
    from strata.models import Model

    inputs = [layers.Input(shape=shape[1:]) for shape in input_shapes]
    hidden = [layers.Dense(shape[-1])(x) for x, shape in zip(inputs, input_shapes)]
    merged = layer_cls(**kwargs)(hidden)
    if len(merged.shape) > 2:
        merged = layers.Flatten()(merged)
    return Model(inputs, layers.Dense(1)(merged))


def run_merge_test(layer_cls, kwargs: dict, input_shapes: list[tuple], keras=None,
                   expected_output_shape: tuple | None = None, train: bool = True,
                   atol: float = 1e-6) -> None:
    """Check one merge layer class end to end (tolerance ``atol`` for parity, float32)."""
    from strata import layers
    from strata.models import Functional

    rs = np.random.RandomState(0)
    xs = [rs.standard_normal(shape).astype("float32") for shape in input_shapes]
    layer = layer_cls(**kwargs)
    y = np.asarray(layer(xs))
    if expected_output_shape is not None:
        assert y.shape == expected_output_shape, (y.shape, expected_output_shape)
    assert layer.weights == []
    symbolic = layer_cls(**kwargs)([layers.Input(shape=shape[1:]) for shape in input_shapes])
    assert symbolic.shape == (None,) + y.shape[1:], (symbolic.shape, y.shape)
    # Config round trip gives an equivalent layer.
    clone = layer_cls.from_config(layer.get_config())
    assert _strip(clone.get_config()) == _strip(layer.get_config())
    np.testing.assert_allclose(np.asarray(clone(xs)), y, atol=atol)
    if train:
        model = _merge_model(layer_cls, kwargs, input_shapes)
        model.compile(optimizer="sgd", loss="mse")
        before = [w.copy() for w in model.get_weights()]
        target = rs.standard_normal((input_shapes[0][0], 1)).astype("float32")
        history = model.fit(xs, target, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
        rebuilt = Functional.from_config(model.get_config())
        rebuilt.set_weights(model.get_weights())
        np.testing.assert_allclose(np.asarray(rebuilt(xs)), np.asarray(model(xs)), atol=atol)
    if keras is not None:
        keras_layer = getattr(keras.layers, layer_cls.__name__)(**kwargs)
        np.testing.assert_allclose(y, np.asarray(keras_layer(xs)), atol=atol, rtol=1e-6)
        assert _strip(layer.get_config()) == _strip(keras_layer.get_config())
