"""User mistakes are reported in Python before any compiled step, naming what was received and the fix."""

import numpy as np
import pandas as pd
import pytest

from strata.layers import Dense
from strata.models import Sequential


def _classifier(units=3, loss="categorical_crossentropy"):
    model = Sequential([Dense(8, input_dim=4, activation="relu"), Dense(units, activation="softmax")])
    model.compile(optimizer="adam", loss=loss)
    return model


X = np.random.RandomState(0).rand(30, 4).astype("float32")
LABELS = np.arange(30) % 3


def test_integer_labels_with_categorical_crossentropy():
    with pytest.raises(ValueError, match=r"expects one-hot encoded labels of shape \(n, 3\).*shape \(30,\).*"
                                         r"sparse_categorical_crossentropy.*to_categorical\(y, 3\)"):
        _classifier().fit(X, LABELS, verbose=0)


def test_one_hot_labels_with_sparse_crossentropy():
    with pytest.raises(ValueError, match=r"expects integer class labels.*shape \(30, 3\).*one-hot.*"
                                         r"categorical_crossentropy"):
        _classifier(loss="sparse_categorical_crossentropy").fit(X, np.eye(3)[LABELS], verbose=0)


def test_class_count_differs_from_output_units():
    with pytest.raises(ValueError, match=r"labels have 4 classes.*output has 3 units.*Dense\(4"):
        _classifier().fit(X, np.eye(4)[np.arange(30) % 4], verbose=0)


def test_labels_out_of_range_for_sparse_loss():
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\).*contains 3.*start at 0"):
        _classifier(loss="sparse_categorical_crossentropy").fit(X, LABELS + 1, verbose=0)


def test_non_numeric_pandas_columns():
    df = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0), "c": np.arange(30.0),
                       "species": ["setosa"] * 30})
    with pytest.raises(ValueError, match=r"`x` has non-numeric columns \['species'\].*get_dummies"):
        _classifier().fit(df, np.eye(3)[LABELS], verbose=0)


def test_nan_in_inputs_names_position_and_fix():
    x = X.copy()
    x[7, 2] = np.nan
    with pytest.raises(ValueError, match=r"`x` contains 1 NaN or infinite value\(s\).*\(7, 2\).*fillna"):
        _classifier().fit(x, np.eye(3)[LABELS], verbose=0)


def test_infinite_target():
    model = Sequential([Dense(1, input_dim=4)])
    model.compile(optimizer="sgd", loss="mse")
    y = np.ones(30)
    y[3] = np.inf
    with pytest.raises(ValueError, match=r"`y` contains 1 NaN or infinite.*\(3,\)"):
        model.fit(X, y, verbose=0)


def test_feature_count_differs_from_first_layer():
    with pytest.raises(ValueError, match=r"Input `x` has shape \(30, 7\).*expects inputs of shape \(None, 4\)"
                                         r".*input_dim=7"):
        _classifier().fit(np.zeros((30, 7)), np.eye(3)[LABELS], verbose=0)


def test_mismatched_sample_counts():
    model = Sequential([Dense(1, input_dim=4)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"Data cardinality is ambiguous.*x: \[30\].*y: \[29\]"):
        model.fit(X, np.ones(29), verbose=0)


def test_fit_before_compile():
    with pytest.raises(RuntimeError, match=r"must call `compile\(\)` before.*fit"):
        Sequential([Dense(1, input_dim=4)]).fit(X, np.ones(30))


def test_bad_batch_size_and_validation_split():
    model = Sequential([Dense(1, input_dim=4)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer. Received: batch_size=0"):
        model.fit(X, np.ones(30), batch_size=0)
    with pytest.raises(ValueError, match=r"`validation_split` must be a float between 0 and 1.*1.5"):
        model.fit(X, np.ones(30), validation_split=1.5)
    with pytest.raises(ValueError, match=r"contains 1 samples, which is not sufficient to split.*"
                                         r"validation_split=0.5"):
        model.fit(X[:1], np.ones(1), validation_split=0.5)


def test_class_weight_and_sample_weight_together():
    model = Sequential([Dense(1, input_dim=4, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(ValueError, match="both `class_weight` and `sample_weight`"):
        model.fit(X, np.ones(30), class_weight={0: 1.0}, sample_weight=np.ones(30), verbose=0)
