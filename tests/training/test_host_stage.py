"""String layers at a model's inputs run on the host before the compiled step: fit, evaluate,
predict, model(x), streamed batches and saved files all take raw text end to end."""

from __future__ import annotations

import numpy as np
import pytest

import strata
from strata import layers

TEXTS = np.array(["the cat sat on the mat", "a dog ran far away", "the dog sat", "cats and dogs play",
                  "my cat is asleep", "dogs bark at night"])
LABELS = np.array([1, 0, 1, 0, 1, 0], "float32")


def _vectorizer():
    vectorize = layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorize.adapt(TEXTS)
    return vectorize


def _text_model(vectorize):
    inputs = strata.Input(shape=(1,), dtype="string")
    x = layers.Embedding(vectorize.vocabulary_size(), 4, mask_zero=True)(vectorize(inputs))
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    model = strata.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _numeric_twin(model):
    """The same network without its string layer, fed the ids (shares the weights)."""
    inputs = strata.Input(shape=(6,), dtype="int32")
    x = inputs
    for layer in model.layers[2:]:
        x = layer(x)
    twin = strata.Model(inputs, x)
    twin.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return twin


def test_a_functional_model_takes_raw_text_in_fit_evaluate_predict_and_call():
    vectorize = _vectorizer()
    model = _text_model(vectorize)
    ids = np.asarray(vectorize(TEXTS[:, None]))
    twin = _numeric_twin(model)
    np.testing.assert_allclose(model.predict(TEXTS[:, None], verbose=0), twin.predict(ids, verbose=0), atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(TEXTS[:, None])), twin.predict(ids, verbose=0), atol=1e-6)
    history = model.fit(TEXTS[:, None], LABELS, epochs=3, batch_size=4, verbose=0).history
    assert len(history["loss"]) == 3 and np.all(np.isfinite(history["loss"]))
    loss, accuracy = model.evaluate(TEXTS[:, None], LABELS, verbose=0)
    twin_loss, twin_accuracy = twin.evaluate(ids, LABELS, verbose=0)
    assert loss == pytest.approx(twin_loss, rel=1e-6) and accuracy == twin_accuracy
    assert model.train_on_batch(TEXTS[:, None], LABELS) is not None
    assert model.predict_on_batch(TEXTS[:2, None]).shape == (2, 1)


def test_an_unbuilt_sequential_starting_with_textvectorization_trains_on_a_text_vector():
    model = strata.Sequential([_vectorizer(), layers.Embedding(30, 4), layers.GlobalAveragePooling1D(),
                               layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.predict(TEXTS, verbose=0)
    model.fit(TEXTS, LABELS, epochs=2, verbose=0)
    assert before.shape == (6, 1) and not np.allclose(before, model.predict(TEXTS, verbose=0))


def test_streamed_text_batches_go_through_the_host_stage(tmp_path):
    for label, texts in (("neg", TEXTS[1::2]), ("pos", TEXTS[0::2])):
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}.txt").write_text(text)
    dataset = strata.utils.text_dataset_from_directory(tmp_path, batch_size=4, seed=1, verbose=False)
    model = strata.Sequential([_vectorizer(), layers.Embedding(30, 4, mask_zero=True),
                               layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(dataset, validation_data=dataset, epochs=2, verbose=0).history
    assert len(history["val_loss"]) == 2
    assert model.predict(dataset, verbose=0).shape == (6, 1)


def test_a_saved_text_model_reloads_and_scores_raw_text(tmp_path):
    model = _text_model(_vectorizer())
    model.fit(TEXTS[:, None], LABELS, epochs=1, verbose=0)
    model.save(tmp_path / "text.keras")
    loaded = strata.models.load_model(tmp_path / "text.keras")
    np.testing.assert_allclose(loaded.predict(TEXTS[:, None], verbose=0), model.predict(TEXTS[:, None], verbose=0),
                               atol=1e-6)


def test_text_for_a_model_without_a_string_layer_names_the_fix():
    model = strata.Sequential([strata.Input((1,)), layers.Dense(1)])
    model.compile(loss="mse")
    with pytest.raises(ValueError, match=r"`x` holds text \(array dtype <U\d+\), but the model has no layer that "
                                         r"turns text into numbers.*TextVectorization"):
        model.fit(TEXTS[:, None], LABELS, verbose=0)


def test_a_string_layer_after_numeric_layers_is_refused_before_training():
    vectorize = _vectorizer()
    inputs = strata.Input(shape=(1,), dtype="string")
    ids = vectorize(inputs)
    model = strata.Model(inputs, layers.Dense(1)(layers.Embedding(30, 4)(ids)))
    late = strata.Sequential([strata.Input((6,), dtype="int32"), layers.Embedding(30, 4),
                              layers.GlobalAveragePooling1D(), layers.Dense(1)])
    late.add(layers.StringLookup(vocabulary=["a"]))
    late.compile(loss="mse")
    with pytest.raises(ValueError, match=r"StringLookup layer 'string_lookup_\d+' of model .* must come right "
                                         r"after the model's input"):
        late.fit(np.ones((6, 6), "int32"), LABELS, verbose=0)
    assert model.predict(TEXTS[:, None], verbose=0).shape == (6, 6, 1)


def test_ids_beyond_an_embedding_are_refused_before_the_first_step():
    model = strata.Sequential([strata.Input((3,), dtype="int32"), layers.Embedding(5, 2), layers.Flatten(),
                               layers.Dense(1)])
    model.compile(loss="mse")
    with pytest.raises(ValueError, match=r"input_dim=5, so it accepts ids 0 to 4, but `x` holds the id 7 "
                                         r"\(largest id seen: 7\)"):
        model.fit(np.array([[1, 2, 7], [0, 1, 2]]), np.zeros((2, 1)), verbose=0)
