"""Sentiment of short reviews with TextVectorization + Embedding(mask_zero=True) + Bidirectional(LSTM).

Run: python examples/text_classification.py [--epochs 5] [--save reviews.keras]

The corpus is generated (no download): reviews of 4 to 30 words mixing neutral filler with a few
opinion words, some negated ("not good"), so the network must read word order, and the reviews'
different lengths make the padding mask matter.  The model reads raw strings end to end: the
``TextVectorization`` layer is its first layer, runs on the host before the compiled step, and is
saved with its vocabulary, so the reloaded model scores new text directly.
"""

import argparse

import numpy as np

import strata as keras
from strata import layers

POSITIVE = ["good", "great", "wonderful", "moving", "brilliant", "funny", "charming", "superb"]
NEGATIVE = ["bad", "boring", "awful", "dull", "terrible", "weak", "clumsy", "tedious"]
FILLER = ("the film story plot actors cast director scenes music camera script ending a an and it was "
          "is with of this that movie very quite really rather at times overall in my view").split()
SEQUENCE_LENGTH = 40


def make_corpus(n, seed=0):
    """``n`` reviews and their labels (1 positive, 0 negative)."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = list(rng.choice(FILLER, size=int(rng.integers(3, 25))))
        for _ in range(int(rng.integers(1, 3))):
            negate = rng.random() < 0.3
            opinion = POSITIVE if (label == 1) != negate else NEGATIVE
            phrase = (["not"] if negate else []) + [str(rng.choice(opinion))]
            at = int(rng.integers(len(words) + 1))
            words[at:at] = phrase
        text = " ".join(words)
        texts.append(text[0].upper() + text[1:] + rng.choice([".", "!", "..."]))
        labels.append(label)
    return np.array(texts), np.array(labels, "float32")


def build_model(train_texts):
    vectorize = layers.TextVectorization(max_tokens=2000, output_mode="int",
                                         output_sequence_length=SEQUENCE_LENGTH)
    vectorize.adapt(train_texts)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    x = layers.Embedding(vectorize.vocabulary_size(), 32, mask_zero=True)(x)
    x = layers.Bidirectional(layers.LSTM(16))(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main(epochs=5, save_path=None, verbose=2, n_train=2000, n_test=500):
    keras.utils.set_random_seed(7)
    train_texts, train_labels = make_corpus(n_train, seed=0)
    test_texts, test_labels = make_corpus(n_test, seed=1)
    model = build_model(train_texts)
    model.summary()
    history = model.fit(train_texts[:, None], train_labels, epochs=epochs, batch_size=32,
                        validation_split=0.2, verbose=verbose)
    loss, accuracy = model.evaluate(test_texts[:, None], test_labels, verbose=0)
    print(f"Test accuracy: {accuracy:.3f}")
    if save_path:
        model.save(save_path)
        reloaded = keras.models.load_model(save_path)
        samples = np.array([["A superb and moving film."], ["The plot was not good, rather dull."]])
        print("Reloaded model scores:", np.round(reloaded.predict(samples, verbose=0)[:, 0], 3).tolist())
    return model, history, accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--save", default=None)
    args = parser.parse_args()
    main(args.epochs, args.save)
