"""pandas frames with the bool columns ``pd.get_dummies`` makes (pandas >= 2) train (course issue 13 §4).

The T81-558 auto-mpg program: ``get_dummies`` on ``origin`` gives bool columns, so ``df.values`` is an
``object`` array that Keras refuses.  strata converts column by column (bool and nullable dtypes to
float32) and trains exactly as Keras does on the same numbers cast to float32.
"""

import numpy as np
import pandas as pd
import pytest

import strata
from strata.training.data_adapter import to_numpy


def _auto_mpg(shared_datasets):
    df = pd.read_csv(shared_datasets / "auto_mpg" / "auto-mpg.csv", na_values=["NA", "?"])
    df["horsepower"] = df["horsepower"].fillna(df["horsepower"].median())
    df = pd.concat([df, pd.get_dummies(df["origin"], prefix="origin")], axis=1)
    df = df.drop("origin", axis=1)
    return df


def _model(keras, features):
    model = keras.Sequential()
    model.add(keras.Input((features,)))
    model.add(keras.layers.Dense(25, activation="relu"))
    model.add(keras.layers.Dense(10, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model


@pytest.mark.keras
def test_t81_auto_mpg_with_get_dummies_trains_like_keras_on_float32(keras, shared_datasets):
    df = _auto_mpg(shared_datasets)
    assert df["origin_1"].dtype == bool
    x_columns = df.columns.drop(["mpg", "name"])
    x = df[x_columns].values  # the course's line: an object array under pandas >= 2
    y = df["mpg"].values
    assert x.dtype == object
    km, sm = _model(keras, x.shape[1]), _model(strata, x.shape[1])
    sm.set_weights(km.get_weights())
    with pytest.raises(ValueError, match="Invalid dtype: object"):  # Keras refuses the object array ...
        km.predict(x[:4], verbose=0)
    # ... so it is given the same numbers as float32, which strata derives by itself.
    x32 = df[x_columns].astype("float32").to_numpy()
    hk = km.fit(x32, y, epochs=2, batch_size=64, shuffle=False, verbose=0)
    hs = sm.fit(x, y, epochs=2, batch_size=64, shuffle=False, verbose=0)
    np.testing.assert_allclose(hs.history["loss"], hk.history["loss"], rtol=1e-4)
    # A DataFrame and a Series straight into predict/evaluate give the same numbers.
    np.testing.assert_allclose(sm.predict(df[x_columns], verbose=0), km.predict(x32, verbose=0), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_allclose(sm.evaluate(df[x_columns], df["mpg"], verbose=0), km.evaluate(x32, y, verbose=0),
                               rtol=1e-4)


def test_columns_are_converted_one_by_one():
    frame = pd.DataFrame({"weight": [1.5, 2.0], "origin_1": [True, False],
                          "count": pd.array([1, 2], dtype="Int64"), "ok": pd.array([False, True], dtype="boolean"),
                          "rate": pd.array([0.5, 0.25], dtype="Float64"), "year": np.array([70, 71], np.int64)})
    array = to_numpy(frame, "x")
    np.testing.assert_array_equal(array, [[1.5, 1, 1, 0, 0.5, 70], [2.0, 0, 2, 1, 0.25, 71]])
    assert array.dtype.kind == "f"
    np.testing.assert_array_equal(to_numpy(pd.Series([True, False, True]), "y"), [1, 0, 1])
    assert to_numpy(pd.Series([True, False]), "y").dtype == np.float32
    assert to_numpy(np.array([1.5, True, 3], dtype=object), "x").dtype == np.float32


def test_bool_target_series_trains():
    rs = np.random.RandomState(0)
    x = pd.DataFrame({"a": rs.rand(16), "b": rs.rand(16) > 0.5})
    y = pd.Series(rs.rand(16) > 0.5)
    model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("data,argument,message", [
    (pd.DataFrame({"a": [1.0, 2.0], "n": pd.array([1, None], dtype="Int64")}), "x",
     r"column 'n' of `x` \(dtype Int64\) has 1 missing value\(s\) \(pd\.NA\)\..*fillna.*dropna"),
    (pd.Series(pd.array([True, None], dtype="boolean")), "y",
     r"`y` \(dtype boolean\) has 1 missing value\(s\) \(pd\.NA\)\..*s\.fillna.*s\.dropna"),
    (pd.DataFrame({"a": [1.0, 2.0], "name": ["ford", "vw"], "when": pd.to_datetime(["2020", "2021"])}), "x",
     r"`x` has non-numeric columns \['name', 'when'\].*get_dummies.*drop those columns"),
    (pd.Series(["a", "b"]), "y", r"`y` is a pandas Series of dtype .*not numeric.*get_dummies"),
    (np.array(["a", 1.0], dtype=object), "x", r"`x` contains non-numeric values \(array dtype object\)"),
])
def test_refuses_only_missing_and_truly_non_numeric_values(data, argument, message):
    with pytest.raises(ValueError, match=message):
        to_numpy(data, argument)


def test_missing_value_in_target_frame_is_reported_by_fit():
    model = strata.Sequential([strata.Input((1,)), strata.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((3, 1), "float32")
    with pytest.raises(ValueError, match=r"column 'mpg' of `y`.*missing"):
        model.fit(x, pd.DataFrame({"mpg": pd.array([1.0, None, 2.0], dtype="Float64")}), verbose=0)
