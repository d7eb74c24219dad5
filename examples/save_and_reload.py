"""Saving and reloading a network: the course program (T81-558 Part 3.3) with imports changed to strata.

The course trains the auto-mpg regression, saves its structure as JSON and the whole network as
HDF5, reloads it and checks that "the RMSE should match the previous one exactly".  This program
does the same with the legacy ``network.h5`` the course uses and with Keras 3's ``network.keras``,
and also rebuilds the network from its JSON and copies the weights over with ``set_weights``.

Run: python examples/save_and_reload.py [folder]
"""

import os
import sys
import tempfile

import numpy as np

from strata.datasets import auto_mpg
from strata.layers import Dense
from strata.models import Sequential, load_model, model_from_json


def rmse(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((pred[:, 0] - y) ** 2)))


def main(save_path: str | None = None, epochs: int = 100, verbose: int = 2) -> dict:
    save_path = save_path or tempfile.mkdtemp(prefix="strata_save_")
    df = auto_mpg.load_data()
    df["horsepower"] = df["horsepower"].fillna(df["horsepower"].median())
    x = df[["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]].values
    y = df["mpg"].values  # regression

    # Build the neural network
    model = Sequential()
    model.add(Dense(25, input_dim=x.shape[1], activation="relu"))  # Hidden 1
    model.add(Dense(10, activation="relu"))  # Hidden 2
    model.add(Dense(1))  # Output
    model.compile(loss="mean_squared_error", optimizer="adam")
    model.fit(x, y, verbose=verbose, epochs=epochs)

    scores = {"before save": rmse(model.predict(x, verbose=0), y)}
    print(f"Before save score (RMSE): {scores['before save']}")

    # save neural network structure to JSON (no weights)
    with open(os.path.join(save_path, "network.json"), "w") as json_file:
        json_file.write(model.to_json())
    # save the entire network: HDF5 as in the course, and Keras 3's .keras format
    model.save(os.path.join(save_path, "network.h5"))
    model.save(os.path.join(save_path, "network.keras"))

    for name in ("network.h5", "network.keras"):
        model2 = load_model(os.path.join(save_path, name))
        scores[f"after load ({name})"] = rmse(model2.predict(x, verbose=0), y)
        print(f"After load score (RMSE, {name}): {scores[f'after load ({name})']}")

    # the structure from JSON, the weights copied from the trained network
    with open(os.path.join(save_path, "network.json")) as json_file:
        model3 = model_from_json(json_file.read())
    model3.set_weights(model.get_weights())
    scores["from JSON + set_weights"] = rmse(model3.predict(x, verbose=0), y)
    print(f"From JSON + set_weights score (RMSE): {scores['from JSON + set_weights']}")
    return scores


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
