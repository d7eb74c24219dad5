"""Iris classification: the course program (T81-558 Module 3) with its imports changed to strata.

Run: python examples/iris_classification.py
Trains a 4-50-25-3 network for 100 epochs on the bundled iris table and prints the training log
and the accuracy on the training set.
"""

import numpy as np
import pandas as pd

from strata.datasets import iris
from strata.layers import Dense
from strata.models import Sequential


def main(epochs: int = 100, verbose: int = 2) -> float:
    df = iris.load_data()

    # Convert to numpy - Classification
    x = df[["sepal_l", "sepal_w", "petal_l", "petal_w"]].values
    dummies = pd.get_dummies(df["species"])  # Classification
    species = dummies.columns
    y = dummies.values

    # Build neural network
    model = Sequential()
    model.add(Dense(50, input_dim=x.shape[1], activation="relu"))  # Hidden 1
    model.add(Dense(25, activation="relu"))  # Hidden 2
    model.add(Dense(y.shape[1], activation="softmax"))  # Output

    model.compile(loss="categorical_crossentropy", optimizer="adam")
    model.fit(x, y, verbose=verbose, epochs=epochs)
    model.summary()

    pred = model.predict(x, verbose=0)
    predict_classes = np.argmax(pred, axis=1)
    expected_classes = np.argmax(y, axis=1)
    correct = float(np.mean(predict_classes == expected_classes))
    print(f"Predictions: {list(species[predict_classes[:5]])} ...")
    print(f"Accuracy: {correct}")
    return correct


if __name__ == "__main__":
    main()
