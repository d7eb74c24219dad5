"""Names, directions, variables, ``get``/``serialize``/``deserialize`` and configs against Keras 3.15."""

from __future__ import annotations

import inspect
import re

import jax.numpy as jnp
import numpy as np
import pytest
from metric_cases import CASES

import strata.metrics as sm

KERAS_ONLY = {  # Keras metric classes strata does not provide yet
    "ConcordanceCorrelation", "PearsonCorrelation", "F1Score", "FBetaScore", "IoU", "BinaryIoU", "MeanIoU",
    "OneHotIoU", "OneHotMeanIoU", "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
}


def _plain(config):
    """A config with array values (Keras keeps AUC's label_weights as an array) as lists."""
    return {k: np.asarray(v).tolist() if hasattr(v, "shape") else v for k, v in config.items()}


def _keras_strings(keras):
    from keras.src.metrics import ALL_OBJECTS_DICT

    return {key: cls.__name__ for key, cls in ALL_OBJECTS_DICT.items()}


@pytest.mark.keras
def test_every_keras_metric_string_resolves_like_keras(keras):
    strings = _keras_strings(keras)
    ours = {key: cls.__name__ for key, cls in sm.ALL_OBJECTS_DICT.items()}
    supported = {key: name for key, name in strings.items() if name not in KERAS_ONLY}
    assert ours == supported
    unique_suffix = re.compile(r"_\d+$")  # auto-named metrics (auc, auc_1, ...) are numbered per session
    for key, class_name in supported.items():
        if class_name in ("Metric", "MeanMetricWrapper"):
            continue  # abstract, or needs `fn`, in Keras too
        theirs, mine = keras.metrics.get(key), sm.get(key)
        assert type(mine).__name__ == class_name, key
        assert unique_suffix.sub("", mine.name) == unique_suffix.sub("", theirs.name), key
        assert mine._direction == getattr(theirs, "_direction", None), key


@pytest.mark.keras
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_config_variables_and_direction_match_keras(keras, case):
    name, kwargs, _ = case
    theirs = getattr(keras.metrics, name)(**kwargs)
    mine = getattr(sm, name)(**kwargs)
    assert mine.get_config() == _plain(theirs.get_config())
    assert mine.name == theirs.name
    assert mine._direction == getattr(theirs, "_direction", None)
    assert [v.path for v in mine.variables] == [v.path for v in theirs.variables]
    assert [v.dtype for v in mine.variables] == [v.dtype for v in theirs.variables]
    assert not any(v.trainable for v in mine.variables)
    rebuilt = type(mine).from_config(mine.get_config())
    assert rebuilt.get_config() == mine.get_config()
    assert sm.deserialize(sm.serialize(mine)).get_config() == mine.get_config()
    # Keras reads strata's serialized config back.
    assert _plain(keras.metrics.deserialize(sm.serialize(mine)).get_config()) == _plain(theirs.get_config())


@pytest.mark.keras
def test_function_metrics_and_wrapper_match_keras(keras):
    wrapper = sm.MeanMetricWrapper(sm.binary_accuracy, name="acc", threshold=0.3)
    theirs = keras.metrics.MeanMetricWrapper(keras.metrics.binary_accuracy, name="acc", threshold=0.3)
    assert sm.serialize(wrapper) == keras.metrics.serialize(theirs)
    restored = sm.deserialize(keras.metrics.serialize(theirs))
    assert restored.fn is sm.binary_accuracy and restored.get_config() == wrapper.get_config()
    assert sm.get(sm.mean_absolute_error) is sm.mean_absolute_error
    assert sm.MeanMetricWrapper(sm.mean_squared_error, name="m")._direction == "down"
    assert sm.MeanMetricWrapper(sm.binary_accuracy, name="b")._direction is None


def test_mean_metric_wrapper_is_named_after_its_function():
    def my_error(y_true, y_pred):
        return jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))

    assert sm.MeanMetricWrapper(my_error).name == "my_error"
    assert sm.MeanMetricWrapper(my_error).name == "my_error_1"
    assert sm.MeanMetricWrapper(sm.mean_absolute_error, name="mae").name == "mae"
    with pytest.raises(ValueError, match="Unknown metric function 'my_error'.*custom_objects"):
        sm.deserialize(sm.serialize(sm.MeanMetricWrapper(my_error)))
    config = sm.serialize(sm.MeanMetricWrapper(my_error, name="e"))
    assert sm.deserialize(config, custom_objects={"my_error": my_error}).fn is my_error


def test_get_resolves_names_instances_classes_and_dicts():
    assert isinstance(sm.get("mse"), sm.MeanSquaredError) and sm.get("MSE").name == "mean_squared_error"
    assert isinstance(sm.get("accuracy"), sm.Accuracy)
    assert isinstance(sm.get("RootMeanSquaredError"), sm.RootMeanSquaredError)
    assert sm.get("AUC").name == "auc" and sm.get("auc").name == "auc_1"
    metric = sm.Precision()
    assert sm.get(metric) is metric
    assert isinstance(sm.get(sm.Recall), sm.Recall)
    assert sm.get({"class_name": "AUC", "config": {"curve": "PR"}}).curve == "PR"
    assert sm.get(None) is None


@pytest.mark.parametrize("identifier", ["acc", "crossentropy", "logcosh", "kld", 3])
def test_unknown_identifier_is_rejected_as_keras_does(identifier):
    with pytest.raises(ValueError, match=f"Could not interpret metric identifier: {identifier}"):
        sm.get(identifier)


def test_invalid_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"`curve`.*Received: curve='XX'"):
        sm.AUC(curve="XX")
    with pytest.raises(ValueError, match=r"`summation_method`.*Received: summation_method='avg'"):
        sm.AUC(summation_method="avg")
    with pytest.raises(ValueError, match=r"num_thresholds=1"):
        sm.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="`num_labels` is needed only when `multi_label` is True"):
        sm.AUC(num_labels=3)
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\].*1.5"):
        sm.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="class_aggregation"):
        sm.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        sm.R2Score().update_state(np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="Received: fn=3"):
        sm.MeanMetricWrapper(3)
    with pytest.raises(ValueError, match=r"`sample_weight` of shape \(4,\) cannot be broadcast"):
        sm.Mean().update_state(np.ones(3), sample_weight=np.ones(4))


def test_forgetting_super_init_is_explained():
    class Broken(sm.Metric):
        def __init__(self):
            self.total = self.add_variable(shape=(), initializer="zeros")

    with pytest.raises(RuntimeError, match="forgot to call `super\\(\\).__init__\\(\\)`"):
        Broken()


def test_lazily_built_metrics_build_from_shapes():
    auc = sm.AUC(multi_label=True)
    assert auc.variables == [] and float(auc.result()) == 0.0
    auc.build((8, 3), (8, 3))
    assert [v.shape for v in auc.variables] == [(200, 3)] * 4
    r2 = sm.R2Score()
    r2.build((8, 2), (8, 2))
    assert [v.name for v in r2.variables] == ["num_samples", "squared_sum", "sum", "residual", "count"]


def test_public_names_cover_keras_function_forms():
    import keras.metrics as km

    functions = {n for n in dir(km) if not n.startswith("_") and inspect.isfunction(getattr(km, n))}
    missing = functions - set(dir(sm)) - {"concordance_correlation", "pearson_correlation"}
    assert not missing
