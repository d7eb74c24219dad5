"""BatchNormalization against real Keras: outputs, moving statistics in and out of ``fit``, frozen
layers, channels_first, masks, renorm, gradients, configs and files."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from file_roundtrip import assert_files_cross_load
from layer_harness import run_layer_test

import strata
from strata import layers
from strata.core import bridge

ATOL = 1e-6


def _random_weights(layer, rs):
    """Non-trivial gamma/beta/moving statistics (variances kept positive)."""
    return [np.abs(rs.standard_normal(w.shape)).astype("float32") + 0.5 if "variance" in w.name or "stddev" in w.name
            else rs.standard_normal(w.shape).astype("float32") for w in layer.weights]


def _pair(keras, kwargs, x, rs):
    ours, theirs = layers.BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    ours.build(x.shape)
    theirs.build(x.shape)
    weights = _random_weights(ours, rs)
    ours.set_weights(weights)
    theirs.set_weights(weights)
    return ours, theirs


def _assert_weights_close(ours, theirs, atol=ATOL):
    assert [w.path.split("/")[-1] for w in ours.weights] == [w.path.split("/")[-1] for w in theirs.weights]
    for a, b in zip(ours.weights, theirs.weights):
        np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value), atol=atol, err_msg=a.path)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    {},
    {"momentum": 0.9, "epsilon": 1e-5, "center": False},
    {"axis": 1, "scale": False, "gamma_regularizer": "l2", "beta_initializer": "ones"},
])
def test_harness(keras, kwargs):
    count = 2 + kwargs.get("center", True) + kwargs.get("scale", True)
    run_layer_test(layers.BatchNormalization, kwargs, (6, 4), keras=keras, expected_num_weights=count,
                   train=not kwargs)


@pytest.mark.keras
@pytest.mark.parametrize("kwargs,shape", [({}, (8, 3)), ({"momentum": 0.8}, (4, 5, 3)), ({"axis": 1}, (3, 2, 4, 4))])
def test_training_and_inference_outputs_and_statistics_match_keras(keras, kwargs, shape):
    rs = np.random.RandomState(1)
    x = (rs.standard_normal(shape) * 3 + 1).astype("float32")
    ours, theirs = _pair(keras, kwargs, x, rs)
    for _ in range(3):  # three training calls: the moving statistics move the same way
        np.testing.assert_allclose(np.asarray(ours(x, training=True)), np.asarray(theirs(x, training=True)), atol=ATOL)
    _assert_weights_close(ours, theirs)
    np.testing.assert_allclose(np.asarray(ours(x, training=False)), np.asarray(theirs(x, training=False)), atol=ATOL)


@pytest.mark.keras
def test_one_step_uses_biased_variance_and_momentum(keras):
    x = np.random.RandomState(2).standard_normal((8, 3)).astype("float32")
    bn = layers.BatchNormalization()
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * x.mean(0), atol=ATOL)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.99 + 0.01 * x.var(0), atol=ATOL)


def test_direct_call_is_inference_and_leaves_statistics():
    x = np.random.RandomState(3).standard_normal((5, 4)).astype("float32")
    bn = layers.BatchNormalization()
    np.testing.assert_allclose(np.asarray(bn(x)), x / np.sqrt(1 + 1e-3), atol=ATOL)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0)
    np.testing.assert_array_equal(bn.moving_variance.numpy(), 1)


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    x = np.random.RandomState(4).standard_normal((6, 2)).astype("float32")
    bn = layers.BatchNormalization()
    bn.build(x.shape)
    bn.trainable = False
    np.testing.assert_allclose(np.asarray(bn(x, training=True)), np.asarray(bn(x, training=False)), atol=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0)
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4
    bn.trainable = True  # unfreezing restores gamma/beta only; the statistics stay non-trainable
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]


def _mlp(lib, frozen=False):
    model = lib.models.Sequential([lib.layers.Input((3,)), lib.layers.Dense(4),
                                   lib.layers.BatchNormalization(momentum=0.9), lib.layers.Dense(1)])
    if frozen:
        model.layers[1].trainable = False
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    return model


@pytest.mark.keras
@pytest.mark.parametrize("frozen", [False, True])
def test_fit_updates_moving_statistics_like_keras(keras, frozen):
    rs = np.random.RandomState(5)
    x, y = rs.standard_normal((16, 3)).astype("float32"), rs.standard_normal((16, 1)).astype("float32")
    ours, theirs = _mlp(strata, frozen), _mlp(keras, frozen)
    weights = ours.get_weights()
    weights[3] = weights[3] + 0.5  # start the statistics away from their initial values
    weights[5] = weights[5] * 2
    ours.set_weights(weights)
    theirs.set_weights(weights)
    ours_history = ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    keras_history = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(ours_history["loss"], keras_history["loss"], rtol=1e-5)
    for a, b in zip(ours.weights, theirs.weights):
        np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value), atol=ATOL, err_msg=a.path)
    bn = ours.layers[1]
    if frozen:  # nothing of the frozen layer moved, and training mode gives inference outputs
        for variable, start in zip(bn.weights, weights[2:6]):
            np.testing.assert_array_equal(np.asarray(variable.value), start)
        np.testing.assert_allclose(np.asarray(ours(x, training=True)), ours.predict(x, verbose=0), atol=1e-6)
    else:
        assert not np.allclose(bn.moving_mean.numpy(), weights[4])
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-5)


@pytest.mark.keras
@pytest.mark.parametrize("streamed", [False, True])
def test_fit_with_a_partial_last_batch_matches_keras(keras, streamed):
    """18 rows in batches of 4: the last batch's padding rows stay out of the batch statistics."""
    rs = np.random.RandomState(5)
    x, y = rs.standard_normal((18, 3)).astype("float32"), rs.standard_normal((18, 1)).astype("float32")
    ours, theirs = _mlp(strata), _mlp(keras)
    theirs.set_weights(ours.get_weights())
    data = ((x[i:i + 4], y[i:i + 4]) for i in range(0, 18, 4)) if streamed else (x, y)
    kwargs = {} if streamed else {"batch_size": 4}
    history = ours.fit(*data if not streamed else (data,), epochs=1, shuffle=False, verbose=0, **kwargs).history
    expected = theirs.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0).history
    # Five SGD steps through the batch variance: float32 round-off of differently fused programs
    # reaches a few 1e-6 on weights of magnitude ~1.6 (4.6e-6 measured at XLA's level 0).
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=ATOL)
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-6)


@pytest.mark.keras
def test_masked_moments_match_keras(keras):
    rs = np.random.RandomState(6)
    x = rs.standard_normal((3, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1], [1, 1, 1, 1, 0]], bool)
    ours, theirs = _pair(keras, {}, x, rs)
    np.testing.assert_allclose(np.asarray(ours(x, training=True, mask=mask)),
                               np.asarray(theirs(x, training=True, mask=mask)), atol=ATOL)
    _assert_weights_close(ours, theirs)
    with pytest.raises(ValueError, match=r"one dimension less than the inputs.*mask.shape=\(3,\)"):
        ours(x, training=True, mask=mask[:, 0])


@pytest.mark.keras
@pytest.mark.parametrize("clipping", [None, {"rmax": 1.2, "rmin": 0.9, "dmax": 0.1}])
def test_renorm_matches_keras(keras, clipping):
    rs = np.random.RandomState(7)
    x = (rs.standard_normal((8, 3)) * 2 + 1).astype("float32")
    ours, theirs = _pair(keras, {"renorm": True, "renorm_clipping": clipping, "momentum": 0.7}, x, rs)
    assert [w.name for w in ours.weights][4:] == ["moving_stddev", "renorm_mean", "renorm_stddev"]
    for _ in range(2):
        np.testing.assert_allclose(np.asarray(ours(x, training=True)), np.asarray(theirs(x, training=True)), atol=ATOL)
    _assert_weights_close(ours, theirs)
    assert ours.get_config()["renorm_clipping"] == theirs.get_config()["renorm_clipping"]


@pytest.mark.keras
@pytest.mark.parametrize("training", [True, False])
def test_gradients_match_keras(keras, training):
    rs = np.random.RandomState(8)
    x = rs.standard_normal((6, 3)).astype("float32")
    ours, theirs = _pair(keras, {}, x, rs)
    probe = rs.standard_normal((6, 3)).astype("float32")

    def ours_loss(params, x):
        out, new_stats = bridge.stateless_call(ours, params, [v.value for v in ours.non_trainable_variables],
                                               x, training=training)
        return jnp.sum(out * probe), new_stats

    def keras_loss(params, x):
        out, new_stats = theirs.stateless_call(params, [v.value for v in theirs.non_trainable_variables],
                                               x, training=training)
        return jnp.sum(out * probe), new_stats

    params = [v.value for v in ours.trainable_variables]
    (_, ours_stats), ours_grads = jax.jit(jax.value_and_grad(ours_loss, argnums=(0, 1), has_aux=True))(params, x)
    (_, keras_stats), keras_grads = jax.jit(jax.value_and_grad(keras_loss, argnums=(0, 1), has_aux=True))(params, x)
    for a, b in zip(jax.tree_util.tree_leaves((ours_grads, ours_stats)),
                    jax.tree_util.tree_leaves((keras_grads, keras_stats))):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)
    np.testing.assert_array_equal(ours.moving_mean.numpy(), theirs.moving_mean.numpy())  # stateless: unchanged


def test_argument_errors():
    with pytest.raises(ValueError, match=r"`synchronized=True` is only supported with the TensorFlow backend"):
        layers.BatchNormalization(synchronized=True)
    with pytest.raises(TypeError, match=r"`axis` must be an int. Received: axis=\[1, 2\]"):
        layers.BatchNormalization(axis=[1, 2])
    assert layers.BatchNormalization(axis=[1]).axis == 1
    with pytest.raises(ValueError, match=r"only the keys \['rmax', 'rmin', 'dmax'\]"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmaxx": 2})
    with pytest.raises(ValueError, match=r"Axis 3 is out of bounds.*Received: axis=3"):
        layers.BatchNormalization(axis=3)(np.ones((2, 3), "float32"))
    bn = layers.BatchNormalization()
    bn(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"built for 3 features.*inputs.shape=\(2, 4\)"):
        bn(np.ones((2, 4), "float32"))


@pytest.mark.keras
def test_summary_counts_and_weight_paths_match_keras(keras):
    ours = strata.models.Sequential([layers.Input((5, 5, 8)), layers.BatchNormalization()])
    theirs = keras.models.Sequential([keras.layers.Input((5, 5, 8)), keras.layers.BatchNormalization()])
    assert ours.count_params() == theirs.count_params() == 32
    assert [w.path for w in ours.non_trainable_weights] == [w.path for w in theirs.non_trainable_weights]


def _normalization_model(lib, multi_axis):
    axis = [1, 2] if multi_axis else -1
    model = lib.models.Sequential([
        lib.layers.Input((4, 6)), lib.layers.BatchNormalization(momentum=0.9),
        lib.layers.LayerNormalization(axis=axis), lib.layers.GroupNormalization(groups=3),
        lib.layers.RMSNormalization(axis=axis), lib.layers.UnitNormalization(axis=axis), lib.layers.Dense(2)])
    model.build((None, 4, 6))
    return model


@pytest.mark.keras
@pytest.mark.parametrize("multi_axis", [False, True])
def test_files_cross_load_with_normalization_layers(keras, tmp_path, multi_axis):
    rs = np.random.RandomState(9)
    x = rs.standard_normal((3, 4, 6)).astype("float32")
    noise = [rs.standard_normal(w.shape).astype("float32") * 0.1
             for w in _normalization_model(strata, multi_axis).get_weights()]

    def build(lib):  # perturbed weights (the moving variance stays near 1, positive)
        model = _normalization_model(lib, multi_axis)
        model.set_weights([w + n for w, n in zip(model.get_weights(), noise)])
        return model

    # Keras's legacy .h5 reader drops a multi-element `axis` list (its own files fail to load too).
    suffixes = (".keras", ".weights.h5") if multi_axis else (".keras", ".weights.h5", ".h5")
    assert_files_cross_load(keras, tmp_path, build, x, suffixes=suffixes)
