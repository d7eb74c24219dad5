"""Auto-MPG regression: the course program (T81-558 Module 3) with its imports changed to strata.

Run: python examples/auto_mpg_regression.py
"""

import numpy as np

from strata.datasets import auto_mpg
from strata.layers import Dense
from strata.models import Sequential


def main(epochs: int = 100, verbose: int = 2) -> float:
    df = auto_mpg.load_data()
    cars = df["name"]

    # Handle missing value
    df["horsepower"] = df["horsepower"].fillna(df["horsepower"].median())

    # Pandas to Numpy
    x = df[["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]].values
    y = df["mpg"].values  # regression

    # Build the neural network
    model = Sequential()
    model.add(Dense(25, input_dim=x.shape[1], activation="relu"))  # Hidden 1
    model.add(Dense(10, activation="relu"))  # Hidden 2
    model.add(Dense(1))  # Output
    model.compile(loss="mean_squared_error", optimizer="adam")
    model.fit(x, y, verbose=verbose, epochs=epochs)

    pred = model.predict(x, verbose=0)
    # Measure RMSE error.  RMSE is common for regression.
    score = float(np.sqrt(np.mean((pred[:, 0] - y) ** 2)))
    print(f"Final score (RMSE): {score}")
    for i in range(3):
        print(f"{i+1}. Car name: {cars[i]}, MPG: {y[i]}, predicted MPG: {pred[i][0]}")
    return score


if __name__ == "__main__":
    main()
