"""Early stopping for regression: the course program (T81-558 Part 3.4) with imports changed to strata.

Trains the auto-mpg network for up to 1000 epochs, stops when the validation loss has not improved
by 1e-3 for 5 epochs, restores the best epoch's weights and prints the RMSE on the test rows.

Run: python examples/early_stopping_auto_mpg.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from course_split import train_test_split  # noqa: E402  (scikit-learn's split, same rows)

from strata.callbacks import EarlyStopping  # noqa: E402
from strata.datasets import auto_mpg  # noqa: E402
from strata.layers import Dense  # noqa: E402
from strata.models import Sequential  # noqa: E402


def main(verbose: int = 2, epochs: int = 1000) -> dict:
    df = auto_mpg.load_data()
    cars = df["name"]

    # Handle missing value
    df["horsepower"] = df["horsepower"].fillna(df["horsepower"].median())

    # Pandas to Numpy
    x = df[["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]].values
    y = df["mpg"].values  # regression

    # Split into validation and training sets
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=42)

    # Build the neural network
    model = Sequential()
    model.add(Dense(25, input_dim=x.shape[1], activation="relu"))  # Hidden 1
    model.add(Dense(10, activation="relu"))  # Hidden 2
    model.add(Dense(1))  # Output
    model.compile(loss="mean_squared_error", optimizer="adam")

    monitor = EarlyStopping(monitor="val_loss", min_delta=1e-3, patience=5, verbose=1, mode="auto",
                            restore_best_weights=True)
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test),
                        callbacks=[monitor], verbose=verbose, epochs=epochs)

    # Measure RMSE error.  RMSE is common for regression.
    pred = model.predict(x_test, verbose=0)
    score = float(np.sqrt(np.mean((pred[:, 0] - y_test) ** 2)))
    print(f"Final score (RMSE): {score}")
    return {"rmse": score, "epochs_run": len(history.epoch), "best_epoch": monitor.best_epoch,
            "stopped_epoch": monitor.stopped_epoch, "best_val_loss": monitor.best, "cars": cars}


if __name__ == "__main__":
    main()
