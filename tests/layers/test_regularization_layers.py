"""SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout and ActivityRegularization.

Random layers are compared with Keras only by configuration and statistics (no RNG-stream match);
ActivityRegularization's penalty is compared with Keras exactly, eagerly and inside ``fit``.
"""

import numpy as np
import pytest
from file_roundtrip import assert_files_cross_load
from layer_harness import run_layer_test

import strata
from strata import layers


# -- SpatialDropout ----------------------------------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("name,kwargs,shape", [
    ("SpatialDropout1D", {"rate": 0.5}, (2, 3, 4)),
    ("SpatialDropout2D", {"rate": 0.3, "seed": 7}, (2, 3, 3, 4)),
    ("SpatialDropout2D", {"rate": 0.3, "data_format": "channels_first"}, (2, 4, 3, 3)),
    ("SpatialDropout3D", {"rate": 0.2}, (2, 2, 2, 2, 3)),
])
def test_spatial_dropout_config_and_inference_match_keras(keras, name, kwargs, shape):
    run_layer_test(getattr(layers, name), kwargs, shape, keras=keras, train=False)
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    assert ours.get_config() == {**theirs.get_config(), "name": ours.name}  # no `trainable`, dtype a string


@pytest.mark.parametrize("name,shape,channel_axis", [
    ("SpatialDropout1D", (40, 6, 8), 2),
    ("SpatialDropout2D", (40, 3, 3, 8), 3),
    ("SpatialDropout3D", (40, 2, 2, 2, 8), 4),
])
def test_spatial_dropout_drops_whole_channels(name, shape, channel_axis):
    x = np.ones(shape, "float32")
    y = np.asarray(getattr(layers, name)(0.5, seed=3)(x, training=True))
    spatial = tuple(range(1, len(shape) - 1))
    np.testing.assert_array_equal(y.min(axis=spatial), y.max(axis=spatial))  # a channel is all kept or all dropped
    assert set(np.unique(y).tolist()) == {0.0, 2.0}  # kept values scaled by 1 / (1 - rate)
    assert abs((y.max(axis=spatial) > 0).mean() - 0.5) < 0.1


def test_spatial_dropout_channels_first_and_errors():
    x = np.ones((30, 6, 2, 2), "float32")
    y = np.asarray(layers.SpatialDropout2D(0.5, "channels_first", seed=1)(x, training=True))
    np.testing.assert_array_equal(y.min(axis=(2, 3)), y.max(axis=(2, 3)))
    assert 0 < (y == 0).mean() < 1
    with pytest.raises(ValueError, match=r"expects inputs of rank 4.*inputs.shape=\(2, 3, 4\)"):
        layers.SpatialDropout2D(0.5)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"between 0 and 1. Received: rate=2"):
        layers.SpatialDropout1D(2)


def test_spatial_dropout_seed_reproducible_and_identity_at_inference():
    x = np.random.RandomState(0).standard_normal((4, 3, 3, 5)).astype("float32")
    first = np.asarray(layers.SpatialDropout2D(0.5, seed=11)(x, training=True))
    again = np.asarray(layers.SpatialDropout2D(0.5, seed=11)(x, training=True))
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(np.asarray(layers.SpatialDropout2D(0.5, seed=11)(x)), x)


# -- GaussianNoise, GaussianDropout, AlphaDropout ------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("name,kwargs", [("GaussianNoise", {"stddev": 0.2, "seed": 1}),
                                         ("GaussianDropout", {"rate": 0.3}),
                                         ("AlphaDropout", {"rate": 0.2, "noise_shape": [None, 1]})])
def test_noise_layers_config_and_inference_match_keras(keras, name, kwargs):
    run_layer_test(getattr(layers, name), kwargs, (6, 4), keras=keras, train=name == "GaussianNoise")


def test_gaussian_noise_statistics_and_seed():
    x = np.full((400, 50), 3.0, "float32")
    y = np.asarray(layers.GaussianNoise(0.5, seed=2)(x, training=True))
    assert abs(y.mean() - 3.0) < 0.01 and abs(y.std() - 0.5) < 0.01
    np.testing.assert_array_equal(y, np.asarray(layers.GaussianNoise(0.5, seed=2)(x, training=True)))
    np.testing.assert_array_equal(np.asarray(layers.GaussianNoise(0.5)(x)), x)
    with pytest.raises(ValueError, match=r"argument `stddev`.*between 0 and 1. Received: stddev=1.5"):
        layers.GaussianNoise(1.5)


def test_gaussian_dropout_statistics_and_seed():
    x = np.full((400, 50), 2.0, "float32")
    y = np.asarray(layers.GaussianDropout(0.2, seed=4)(x, training=True))
    assert abs(y.mean() - 2.0) < 0.02 and abs(y.std() - 2.0 * np.sqrt(0.2 / 0.8)) < 0.02
    np.testing.assert_array_equal(y, np.asarray(layers.GaussianDropout(0.2, seed=4)(x, training=True)))
    np.testing.assert_array_equal(np.asarray(layers.GaussianDropout(0.2)(x, training=False)), x)
    with pytest.raises(ValueError, match=r"rate=1 has infinite noise"):
        layers.GaussianDropout(1.0)(x, training=True)


def test_alpha_dropout_keeps_zero_mean_unit_variance():
    x = np.random.RandomState(5).standard_normal((400, 50)).astype("float32")
    y = np.asarray(layers.AlphaDropout(0.2, seed=6)(x, training=True))
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    dropped = np.asarray(layers.AlphaDropout(0.5, noise_shape=(None, 1), seed=6)(x, training=True))
    column_pattern = np.isclose(dropped, dropped[:, :1])  # a row is all dropped (constant) or all kept
    assert column_pattern.all(axis=1).any() and not column_pattern.all()
    np.testing.assert_array_equal(np.asarray(layers.AlphaDropout(0.2)(x)), x)


# -- ActivityRegularization --------------------------------------------------------------------------
@pytest.mark.keras
def test_activity_regularization_penalty_matches_keras(keras):
    run_layer_test(layers.ActivityRegularization, {"l1": 0.1, "l2": 0.01}, (6, 4), keras=keras)
    x = np.random.RandomState(7).standard_normal((5, 3)).astype("float32")
    ours, theirs = layers.ActivityRegularization(l1=0.1, l2=0.2), keras.layers.ActivityRegularization(l1=0.1, l2=0.2)
    np.testing.assert_array_equal(np.asarray(ours(x)), x)
    theirs(x)
    assert len(ours.losses) == len(theirs.losses) == 1
    np.testing.assert_allclose(float(ours.losses[0]), float(theirs.losses[0]), rtol=1e-6)


@pytest.mark.keras
@pytest.mark.parametrize("rows", [12, 10])  # 10 rows: a partial last batch, padded inside the compiled step
def test_activity_regularization_in_fit_matches_keras(keras, rows):
    rs = np.random.RandomState(8)
    x, y = rs.standard_normal((rows, 3)).astype("float32"), rs.standard_normal((rows, 1)).astype("float32")

    def build(lib):
        model = lib.models.Sequential([lib.layers.Input((3,)), lib.layers.Dense(4),
                                       lib.layers.ActivityRegularization(l1=0.05, l2=0.1), lib.layers.Dense(1)])
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        return model

    ours, theirs = build(strata), build(keras)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.evaluate(x, y, batch_size=4, verbose=0),
                               theirs.evaluate(x, y, batch_size=4, verbose=0), rtol=1e-5)
    ours_history = ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    keras_history = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(ours_history["loss"], keras_history["loss"], rtol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


# -- inside fit, and files ---------------------------------------------------------------------------
def _noisy_model(lib, seed=0):
    return lib.models.Sequential([
        lib.layers.Input((4, 3)), lib.layers.SpatialDropout1D(0.3, seed=seed), lib.layers.GaussianNoise(0.1, seed=seed),
        lib.layers.GaussianDropout(0.2, seed=seed), lib.layers.AlphaDropout(0.1, seed=seed),
        lib.layers.ActivityRegularization(l2=0.01), lib.layers.Flatten(), lib.layers.Dense(1)])


def test_random_layers_train_reproducibly_inside_fit():
    rs = np.random.RandomState(9)
    x, y = rs.standard_normal((16, 4, 3)).astype("float32"), rs.standard_normal((16, 1)).astype("float32")
    runs = []
    for _ in range(2):
        strata.utils.set_random_seed(3)
        model = _noisy_model(strata)
        model.compile(optimizer="sgd", loss="mse")
        runs.append((model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"], model.get_weights()))
    assert np.all(np.isfinite(runs[0][0]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)
    # predict is deterministic inference: every random layer is the identity
    np.testing.assert_allclose(model.predict(x, verbose=0), np.asarray(model.layers[-1](x.reshape(16, 12))),
                               atol=1e-6)


@pytest.mark.keras
def test_files_cross_load_with_regularization_layers(keras, tmp_path):
    x = np.random.RandomState(10).standard_normal((3, 4, 3)).astype("float32")
    assert_files_cross_load(keras, tmp_path, lambda lib: _noisy_model(lib, seed=5), x)
