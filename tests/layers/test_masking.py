"""Keras masking end to end: Embedding(mask_zero) and Masking produce masks, layers pass them on,
consumers (GlobalAveragePooling1D, custom layers, the loss and metrics) use them — against Keras."""

from __future__ import annotations

import numpy as np
import pytest

import strata
from strata import layers
from strata.core import masking

IDS = np.array([[3, 1, 0, 0], [2, 5, 4, 0], [7, 0, 0, 0], [1, 2, 3, 4]], "int32")


def test_embedding_attaches_the_mask_of_nonzero_ids():
    out = layers.Embedding(10, 3, mask_zero=True)(IDS)
    np.testing.assert_array_equal(np.asarray(masking.get_keras_mask(out)), IDS != 0)
    assert masking.get_keras_mask(layers.Embedding(10, 3)(IDS)) is None


def test_masking_layer_zeroes_and_masks_padded_steps():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    out = layers.Masking()(x)
    np.testing.assert_array_equal(np.asarray(masking.get_keras_mask(out)), [[True, False, True]])
    np.testing.assert_array_equal(np.asarray(layers.Masking(mask_value=3.0)(x))[0, 2], [3.0, 0.0])


def test_a_custom_layer_receives_the_mask_and_compute_mask_transforms_it():
    class Keep(layers.Layer):
        def call(self, x, mask=None):
            self.seen = mask
            return x * 1.0  # a new tensor (returning `x` itself would keep x's mask, as in Keras)

        def compute_mask(self, x, mask=None):
            return None if mask is None else mask[:, ::-1]

    keep = Keep()
    out = keep(layers.Embedding(10, 3, mask_zero=True)(IDS))
    np.testing.assert_array_equal(np.asarray(keep.seen), IDS != 0)
    np.testing.assert_array_equal(np.asarray(masking.get_keras_mask(out)), (IDS != 0)[:, ::-1])


def test_a_layer_without_mask_support_drops_the_mask_with_keras_warning():
    emb = layers.Embedding(10, 3, mask_zero=True)(IDS)
    with pytest.warns(UserWarning, match="does not support masking"):
        out = layers.Flatten()(emb)
    assert masking.get_keras_mask(out) is None


def _pooled_model(lib):
    inputs = lib.Input(shape=(4,), dtype="int32")
    x = lib.layers.Embedding(10, 3, mask_zero=True)(inputs)
    x = lib.layers.Dense(5, activation="tanh")(x)
    x = lib.layers.GlobalAveragePooling1D()(x)
    return lib.Model(inputs, lib.layers.Dense(1)(x))


@pytest.mark.keras
def test_masked_average_pooling_model_predicts_and_trains_as_keras(keras):
    ours, theirs = _pooled_model(strata), _pooled_model(keras)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(IDS, verbose=0), theirs.predict(IDS, verbose=0), atol=1e-6)
    y = np.array([[0.5], [-1.0], [2.0], [0.0]], "float32")
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    # batch_size 3: the last batch is padded in strata's compiled step and still equals Keras's.
    h1 = ours.fit(IDS, y, epochs=3, batch_size=3, shuffle=False, verbose=0).history
    h2 = theirs.fit(IDS, y, epochs=3, batch_size=3, shuffle=False, verbose=0).history
    for key in ("loss", "mae"):
        np.testing.assert_allclose(h1[key], h2[key], rtol=1e-5, atol=1e-6)  # float32


def _sequence_tagger(lib):
    return lib.Sequential([lib.Input(shape=(4,), dtype="int32"), lib.layers.Embedding(10, 3, mask_zero=True),
                           lib.layers.Dense(2, activation="softmax")])


@pytest.mark.keras
def test_loss_and_metrics_skip_masked_timesteps_as_keras(keras):
    ours, theirs = _sequence_tagger(strata), _sequence_tagger(keras)
    theirs.set_weights(ours.get_weights())
    labels = (IDS % 2).astype("int32")
    for model in (ours, theirs):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    e1 = ours.evaluate(IDS, labels, batch_size=3, verbose=0, return_dict=True)
    e2 = theirs.evaluate(IDS, labels, batch_size=3, verbose=0, return_dict=True)
    np.testing.assert_allclose([e1["loss"], e1["accuracy"]], [e2["loss"], e2["accuracy"]], rtol=1e-5)
    h1 = ours.fit(IDS, labels, epochs=2, batch_size=2, shuffle=False, verbose=0).history
    h2 = theirs.fit(IDS, labels, epochs=2, batch_size=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h1["loss"], h2["loss"], rtol=1e-5)
    np.testing.assert_allclose(h1["accuracy"], h2["accuracy"], rtol=1e-5)


def test_the_mask_changes_the_loss():
    model = _sequence_tagger(strata)
    model.compile(loss="sparse_categorical_crossentropy")
    labels = (IDS % 2).astype("int32")
    masked = model.evaluate(IDS, labels, verbose=0)
    unmasked = strata.Sequential([strata.Input(shape=(4,), dtype="int32"), layers.Embedding(10, 3),
                                  layers.Dense(2, activation="softmax")])
    unmasked.set_weights(model.get_weights())
    unmasked.compile(loss="sparse_categorical_crossentropy")
    assert abs(masked - unmasked.evaluate(IDS, labels, verbose=0)) > 1e-4


@pytest.mark.keras
def test_a_mask_given_to_the_model_call_reaches_its_layers(keras):
    inputs = strata.Input(shape=(4, 2))
    outputs = layers.GlobalAveragePooling1D()(inputs)
    model = strata.Model(inputs, outputs)
    x = np.arange(16, dtype="float32").reshape(2, 4, 2)
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    k_in = keras.Input(shape=(4, 2))
    k_model = keras.Model(k_in, keras.layers.GlobalAveragePooling1D()(k_in))
    np.testing.assert_allclose(np.asarray(model(x, mask=mask)), np.asarray(k_model(x, mask=mask)), atol=1e-6)
    seq = strata.Sequential([strata.Input(shape=(4, 2)), layers.GlobalAveragePooling1D()])
    np.testing.assert_allclose(np.asarray(seq(x, mask=mask)), np.asarray(k_model(x, mask=mask)), atol=1e-6)


@pytest.mark.keras
def test_embedding_matches_keras_and_its_config(keras):
    ours = layers.Embedding(10, 3, mask_zero=True, embeddings_regularizer="l2")
    theirs = keras.layers.Embedding(10, 3, mask_zero=True, embeddings_regularizer="l2")
    ours.build((None, 4))
    theirs.build((None, 4))
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(np.asarray(ours(IDS)), np.asarray(theirs(IDS)), atol=0)
    strip = lambda c: {k: v for k, v in c.items() if k != "name"}  # noqa: E731
    assert strip(ours.get_config()) == strip(theirs.get_config())
    assert strip(layers.Masking(0.5).get_config()) == strip(keras.layers.Masking(0.5).get_config())
    assert [w.name for w in ours.weights] == ["embeddings"]
    assert ours.get_weights()[0].min() >= -0.05 and ours.get_weights()[0].max() <= 0.05


def test_embedding_arguments_and_out_of_range_ids():
    with pytest.raises(ValueError, match=r"`input_dim` must be a positive integer. Received: input_dim=0"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match=r"`output_dim` must be a positive integer. Received: output_dim=2.5"):
        layers.Embedding(4, 2.5)
    table = np.arange(8, dtype="float32").reshape(4, 2)
    layer = layers.Embedding(4, 2, weights=[table])
    np.testing.assert_array_equal(np.asarray(layer(np.array([[3, 0]]))), table[[3, 0]][None])
    with pytest.raises(ValueError, match=r"input_dim=4, so it accepts ids 0 to 3, but `x` holds the id 9 "
                                         r"\(largest id seen: 9\). Set `input_dim` to at least 10"):
        layer.check_input_values(np.array([[1, 9]]), "x")
    with pytest.raises(ValueError, match="holds the id -1.*must not be negative"):
        layer.check_input_values(np.array([[1, -1]]), "x")
