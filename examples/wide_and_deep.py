"""Wide & Deep regression on California housing (Géron, ch. 10): two inputs, two outputs.

Run: python examples/wide_and_deep.py [--data-dir ../shared/datasets] [--epochs 20]

The course loads the data with scikit-learn's ``fetch_california_housing`` (target in units of
$100,000) and splits it with ``train_test_split(random_state=42)`` twice; this program reads the same
20,640 rows from ``california_housing/cal_housing.csv`` and makes the same-sized splits with NumPy.
"""

import argparse
import os

import numpy as np

import strata as tf_keras  # the course writes tf.keras; strata has the same names
from strata.utils import set_random_seed


def load_housing(data_dir):
    table = np.loadtxt(os.path.join(data_dir, "california_housing", "cal_housing.csv"), delimiter=",",
                       skiprows=1, dtype=np.float64)
    # sklearn's feature order: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Lat, Long
    longitude, latitude, age, rooms, bedrooms, population, households, income, value = table.T
    features = np.stack([income, age, rooms / households, bedrooms / households, population,
                         population / households, latitude, longitude], axis=1)
    return features.astype("float32"), (value / 100_000).astype("float32")


def split(x, y, rng, test_fraction=0.25):
    order = rng.permutation(len(x))
    cut = int(round(len(x) * (1 - test_fraction)))
    return x[order[:cut]], x[order[cut:]], y[order[:cut]], y[order[cut:]]


def build_model():
    input_wide = tf_keras.layers.Input(shape=[5])  # features 0 to 4
    input_deep = tf_keras.layers.Input(shape=[6])  # features 2 to 7
    norm_layer_wide = tf_keras.layers.Normalization()
    norm_layer_deep = tf_keras.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = tf_keras.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = tf_keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf_keras.layers.concatenate([norm_wide, hidden2])
    output = tf_keras.layers.Dense(1, name="output")(concat)
    aux_output = tf_keras.layers.Dense(1, name="aux_output")(hidden2)
    model = tf_keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])
    return model, norm_layer_wide, norm_layer_deep


def main(data_dir, epochs=20, verbose=2):
    set_random_seed(42)
    x, y = load_housing(data_dir)
    rng = np.random.default_rng(42)
    X_train_full, X_test, y_train_full, y_test = split(x, y, rng)
    X_train, X_valid, y_train, y_valid = split(X_train_full, y_train_full, rng)

    model, norm_layer_wide, norm_layer_deep = build_model()
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
    X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]  # pretend new instances

    optimizer = tf_keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer=optimizer,
                  metrics=["RootMeanSquaredError"])
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=epochs,
                        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)), verbose=verbose)
    model.summary()
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
    print(f"test: loss {weighted_sum_of_losses:.4f}, main loss {main_loss:.4f}, aux loss {aux_loss:.4f}, "
          f"main RMSE {main_rmse:.4f}, aux RMSE {aux_rmse:.4f}")
    y_pred_tuple = model.predict((X_new_wide, X_new_deep), verbose=0)
    y_pred = dict(zip(model.output_names, y_pred_tuple))
    print({name: values.ravel().round(3).tolist() for name, values in y_pred.items()})
    return history, eval_results, y_pred


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("STRATA_DATASETS_DIR") or os.path.join(os.path.dirname(__file__), "..", "..",
                                                                      "shared", "datasets")
    parser.add_argument("--data-dir", default=default)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    main(args.data_dir, args.epochs)
