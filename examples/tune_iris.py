"""Tuning the iris network: how wide, how deep, how fast to learn — chosen by validation accuracy.

The course's tuning lesson with KerasTuner, imports changed to strata (``from strata import tuner as
kt``).  A random search tries ``max_trials`` networks of 1–3 hidden layers of 4–32 units with a
learning rate between 1e-3 and 1e-1 (log scale), each trained for ``epochs`` epochs; the best one
is rebuilt with its best epoch's weights and scored on the held-out test rows.

Run: python examples/tune_iris.py [max_trials] [epochs]
"""

import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from course_split import train_test_split  # noqa: E402  (scikit-learn's split, same rows)

import strata as keras  # noqa: E402
from strata import layers  # noqa: E402
from strata import tuner as kt  # noqa: E402
from strata.datasets import iris  # noqa: E402


def build_model(hp):
    model = keras.Sequential()
    model.add(layers.Input((4,)))
    for i in range(hp.Int("num_layers", 1, 3)):
        model.add(layers.Dense(hp.Int(f"units_{i}", 4, 32, step=4), activation="relu"))
    model.add(layers.Dense(3, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(max_trials: int = 20, epochs: int = 60, verbose: int = 1, directory: str | None = None) -> dict:
    df = iris.load_data()
    x = df[["sepal_l", "sepal_w", "petal_l", "petal_w"]].values.astype("float32")
    species = sorted(df["species"].unique())
    y = np.array([species.index(s) for s in df["species"]], dtype="int32")
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.25, random_state=42)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25, random_state=42)

    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=max_trials, seed=1,
                            directory=directory or os.path.join(tempfile.gettempdir(), "strata_examples"),
                            project_name="tune_iris", overwrite=True)
    tuner.search_space_summary()
    tuner.search(x_train, y_train, epochs=epochs, validation_data=(x_val, y_val), verbose=verbose)
    tuner.results_summary(num_trials=3)

    best_hp = tuner.get_best_hyperparameters(1)[0]
    best_model = tuner.get_best_models(1)[0]
    loss, accuracy = best_model.evaluate(x_test, y_test, verbose=0)
    print(f"Best hyperparameters: {best_hp.values}")
    print(f"Test accuracy of the best model: {accuracy:.3f}")
    return {"best_values": best_hp.values, "best_val_accuracy": tuner.oracle.get_best_trials(1)[0].score,
            "test_accuracy": float(accuracy), "trials": len(tuner.oracle.trials)}


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
