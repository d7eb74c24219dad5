"""Normalization: adapt statistics and outputs against Keras, fixed mean/variance, invert, weights."""

import logging

import jax
import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import layers
from strata.models import Sequential


def _data(shape, seed=0):
    return (np.random.RandomState(seed).standard_normal(shape) * 2.5 + 3.0).astype("float32")


@pytest.mark.keras
@pytest.mark.parametrize("kwargs, shape", [
    ({}, (6, 4)),
    ({"axis": None}, (6, 4)),
    ({"axis": (1, 2)}, (6, 3, 4)),
    ({"invert": True}, (6, 4)),
    ({"mean": 2.0, "variance": 4.0}, (6, 4)),
    ({"mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 4.0, 9.0, 0.25], "invert": True}, (6, 4)),
])
def test_harness(keras, kwargs, shape):
    fixed = "mean" in kwargs
    # fit() with the layer inside (one compile each) for the default, a multi-axis rank-3 input and
    # fixed inverted statistics; an adapted layer trains in test_adapted_layer_trains_inside_a_model...
    train = kwargs in ({}, {"axis": (1, 2)}) or (fixed and kwargs.get("invert", False))
    run_layer_test(layers.Normalization, kwargs, shape, keras=keras, expected_output_shape=shape,
                   expected_num_weights=0 if fixed else 3, train=train)


def test_keras_notes_example():
    layer = layers.Normalization()
    layer.adapt(np.array([[1.0, 2.0], [3.0, 6.0]]))
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, [2.0, 4.0])
    np.testing.assert_allclose(variance, [1.0, 4.0])
    assert count == 0 and count.dtype == np.int32
    np.testing.assert_allclose(np.asarray(layer(np.array([[1.0, 2.0]]))), [[-1.0, -1.0]])
    np.testing.assert_allclose(layer.mean, [[2.0, 4.0]])  # broadcast to the input rank, as in Keras
    assert [w.path for w in layer.weights] == ["normalization/mean", "normalization/variance",
                                               "normalization/count"]
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3


@pytest.mark.keras
# Every axis adapts (statistics are the same whatever `invert`); the inverted call is checked on the
# scalar, multi-axis, non-contiguous and rank-1 cases (and on (-1, (6, 4)) in test_harness).
@pytest.mark.parametrize("axis, shape, invert", [
    (-1, (50, 4), False), (None, (50, 4), False), (1, (20, 3, 5), False), ((1, 2), (10, 3, 4, 2), False),
    (-1, (30,), False), ((1, -1), (10, 3, 4, 2), False),
    (None, (50, 4), True), ((1, 2), (10, 3, 4, 2), True), (-1, (30,), True), ((1, -1), (10, 3, 4, 2), True),
])
def test_adapt_matches_keras(keras, axis, shape, invert):
    data = _data(shape)
    ours, theirs = layers.Normalization(axis=axis, invert=invert), keras.layers.Normalization(axis=axis, invert=invert)
    ours.adapt(data)
    theirs.adapt(data)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, atol=1e-6, rtol=1e-6)
    assert ours.get_weights()[2] == 0
    probe = _data(shape, seed=1)
    np.testing.assert_allclose(np.asarray(ours(probe)), np.asarray(theirs(probe)), atol=1e-6, rtol=1e-6)
    assert ours.get_build_config() == {"input_shape": shape} == theirs.get_build_config()


@pytest.mark.keras
def test_adapt_on_an_iterable_of_batches_matches_the_whole_array_in_keras(keras):
    data = _data((70, 3))
    batches = [data[i:i + 16] for i in range(0, 70, 16)]
    ours, theirs, whole = layers.Normalization(), keras.layers.Normalization(), layers.Normalization()
    ours.adapt(batches)
    theirs.adapt(data)  # Keras adapts iterables only with TensorFlow installed: compare with the whole array
    whole.adapt(data)
    for a, b, c in zip(ours.get_weights(), theirs.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6, rtol=1e-6)
        np.testing.assert_allclose(a, c, atol=1e-6, rtol=1e-6)
    generator = layers.Normalization()
    generator.adapt((x, np.zeros(len(x))) for x in batches)  # (x, y) batches use x
    np.testing.assert_allclose(generator.get_weights()[0], whole.get_weights()[0], atol=1e-6)
    np.testing.assert_allclose(generator.get_weights()[1], whole.get_weights()[1], atol=1e-6)


def test_adapt_batch_size_and_steps():
    data = _data((70, 3))
    whole, chunked, limited = layers.Normalization(), layers.Normalization(), layers.Normalization()
    whole.adapt(data)
    chunked.adapt(data, batch_size=16)
    np.testing.assert_allclose(chunked.get_weights()[1], whole.get_weights()[1], rtol=1e-6)
    limited.adapt(iter([data[:20], data[20:40], data[40:]]), steps=2)
    np.testing.assert_allclose(limited.get_weights()[0], data[:40].mean(0), rtol=1e-6)
    with pytest.raises(ValueError, match=r"`steps` only applies to an iterable of batches.*Received: steps=2"):
        layers.Normalization().adapt(data, steps=2)
    with pytest.raises(ValueError, match=r"Do not pass `batch_size`.*Received: batch_size=4"):
        layers.Normalization().adapt([data], batch_size=4)
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer or None. Received: batch_size=0"):
        layers.Normalization().adapt(data, batch_size=0)


def test_adapt_accepts_nested_lists_and_integer_data():
    layer = layers.Normalization(axis=None)
    layer.adapt([[1, 2], [3, 4]])
    np.testing.assert_allclose(layer.get_weights()[:2], [2.5, 1.25])
    out = np.asarray(layer(np.array([[1, 4]], dtype="int32")))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[-1.5 / np.sqrt(1.25), 1.5 / np.sqrt(1.25)]], rtol=1e-6)


def test_adapt_compiles_nothing(caplog):
    data = _data((40, 3))
    jax.config.update("jax_log_compiles", True)
    try:
        with caplog.at_level(logging.DEBUG):
            jax.jit(lambda x: x * 5 - 2)(data)  # control: a compile is logged
        assert any("ompil" in r.getMessage() for r in caplog.records)
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            layers.Normalization().adapt(data)
            layers.Normalization(axis=None).adapt([data[:10], data[10:]])
            layer = layers.Normalization()
            layer.build((None, 3))
            layer.adapt(jax.device_put(data), batch_size=8)
        assert not [r for r in caplog.records if "ompil" in r.getMessage()]
    finally:
        jax.config.update("jax_log_compiles", False)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs, shape", [
    ({"mean": 3.0, "variance": 2.0}, (5, 1)),
    ({"mean": [1.0, 2.0], "variance": [4.0, 0.0]}, (5, 2)),
    ({"axis": (1, 2), "mean": [1.0, -1.0, 0.5, 2.0], "variance": [1.0, 2.0, 3.0, 4.0]}, (5, 3, 4)),
    ({"axis": (1, 2), "mean": 1.5, "variance": 2.5, "invert": True}, (5, 3, 4)),
])
def test_fixed_mean_and_variance_match_keras(keras, kwargs, shape):
    layer = layers.Normalization(**kwargs)
    data = _data(shape)
    out = np.asarray(layer(data))
    assert layer.weights == []
    np.testing.assert_allclose(out, np.asarray(keras.layers.Normalization(**kwargs)(data)), atol=1e-6, rtol=1e-6)
    assert {k: v for k, v in layer.get_config().items() if k != "name"} == \
        {k: v for k, v in keras.layers.Normalization(**kwargs).get_config().items() if k != "name"}


def test_summary_counts_2d_plus_1_parameters():
    norm = layers.Normalization()
    norm.adapt(_data((20, 5)))
    model = Sequential([layers.Input(shape=(5,)), norm, layers.Dense(1)])
    assert norm.count_params() == 2 * 5 + 1
    assert model.count_params() == 11 + 6
    assert len(model.trainable_weights) == 2
    fixed = Sequential([layers.Input(shape=(5,)), layers.Normalization(mean=0.0, variance=1.0), layers.Dense(1)])
    assert fixed.count_params() == 6


def test_adapted_layer_trains_inside_a_model_and_keeps_its_statistics():
    x = _data((64, 3))
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    stats = [w.copy() for w in norm.get_weights()]
    model = Sequential([layers.Input(shape=(3,)), norm, layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for a, b in zip(stats, norm.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"both `mean` and `variance` must be set. Received: mean=1.0 and variance=None"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match=r"must have the same shape. Received: mean shape \(2,\) and variance shape \(\)"):
        layers.Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ValueError, match=r"rank of `mean` must be at most the number of axes \(1\)"):
        layers.Normalization(mean=[[1.0]], variance=[[1.0]])
    with pytest.raises(TypeError, match=r"`axis` must be an int, a tuple of ints, or None. Received: axis='x'"):
        layers.Normalization(axis="x")


def test_build_adapt_and_call_errors():
    with pytest.raises(ValueError, match=r"range \[-ndim, ndim\) for inputs of rank 2. Received: axis=\(2,\)"):
        layers.Normalization(axis=2).build((None, 3))
    with pytest.raises(ValueError, match=r"must have a known size.*axis 1 is unknown"):
        layers.Normalization().build((None, None))
    fixed = layers.Normalization(mean=0.0, variance=1.0)
    with pytest.raises(ValueError, match=r"created with fixed `mean` and `variance`, so it cannot be adapted"):
        fixed.adapt(_data((4, 2)))
    layer = layers.Normalization()
    layer.adapt(_data((10, 3)))
    with pytest.raises(ValueError, match=r"built with input_shape=\(10, 3\), but adapt\(\) received data of "
                                         r"incompatible shape \(10, 4\)"):
        layer.adapt(_data((10, 4)))
    with pytest.raises(ValueError, match=r"built for inputs of rank 2.*received inputs of rank 3"):
        layer(_data((2, 5, 3)))
    with pytest.raises(ValueError, match=r"empty iterable"):
        layers.Normalization().adapt(iter([]))


def test_call_with_a_different_feature_count_is_a_clear_error():
    layer = layers.Normalization()
    layer.adapt(_data((10, 3)))
    with pytest.raises(ValueError, match=r"keeps statistics for axes \(1,\) of inputs shaped like \(10, 3\), but "
                                         r"received inputs of shape \(2, 4\)"):
        layer(_data((2, 4)))
