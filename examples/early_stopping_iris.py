"""Early stopping for classification: the course program (T81-558 Part 3.4) with imports changed to strata.

Trains the iris network for up to 1000 epochs, stops when the validation loss has not improved by
1e-3 for 5 epochs, restores the best epoch's weights and prints the accuracy on the test rows.  Given a file name,
it also saves the learning curves (training vs validation loss, the restored epoch marked).

Run: python examples/early_stopping_iris.py [curves.png]
"""

import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from course_split import train_test_split  # noqa: E402  (scikit-learn's split, same rows)

from strata.callbacks import EarlyStopping  # noqa: E402
from strata.datasets import iris  # noqa: E402
from strata.layers import Dense  # noqa: E402
from strata.models import Sequential  # noqa: E402


def main(verbose: int = 2, epochs: int = 1000, plot_path: str | None = None) -> dict:
    df = iris.load_data()

    # Convert to numpy - Classification
    x = df[["sepal_l", "sepal_w", "petal_l", "petal_w"]].values
    dummies = pd.get_dummies(df["species"])  # Classification
    y = dummies.values.astype("float32")

    # Split into validation and training sets
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=42)

    # Build neural network
    model = Sequential()
    model.add(Dense(50, input_dim=x.shape[1], activation="relu"))  # Hidden 1
    model.add(Dense(25, activation="relu"))  # Hidden 2
    model.add(Dense(y.shape[1], activation="softmax"))  # Output
    model.compile(loss="categorical_crossentropy", optimizer="adam")

    monitor = EarlyStopping(monitor="val_loss", min_delta=1e-3, patience=5,
                            verbose=1, mode="auto", restore_best_weights=True)
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test),
                        callbacks=[monitor], verbose=verbose, epochs=epochs)

    pred = model.predict(x_test, verbose=0)
    predict_classes = np.argmax(pred, axis=1)
    expected_classes = np.argmax(y_test, axis=1)
    correct = float(np.mean(expected_classes == predict_classes))
    print(f"Accuracy: {correct}")
    if plot_path:
        history.plot(filename=plot_path)
        print(f"Learning curves saved to {plot_path}")
    return {"accuracy": correct, "epochs_run": len(history.epoch), "best_epoch": monitor.best_epoch,
            "stopped_epoch": monitor.stopped_epoch, "best_val_loss": monitor.best}


if __name__ == "__main__":
    main(plot_path=sys.argv[1] if len(sys.argv) > 1 else None)
