"""``strata.tuner`` is loaded lazily, names what KerasTuner names, and infers objectives as it does."""

import subprocess
import sys

import pytest

from strata import tuner as kt
from strata.tuner.objective import create_objective, infer_direction

PUBLIC = ["HyperParameters", "HyperModel", "Objective", "Oracle", "Tuner", "RandomSearch", "GridSearch",
          "Hyperband", "BayesianOptimization"]


def test_import_strata_does_not_load_the_tuner_or_optuna():
    code = ("import sys, strata; assert 'strata.tuner' not in sys.modules and 'optuna' not in sys.modules; "
            "kt = strata.tuner; assert kt.RandomSearch.__module__ == 'strata.tuner.tuners'; "
            "assert 'optuna' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


@pytest.mark.keras
def test_public_names_are_kerastuner_names_of_the_same_kind(kt_oracle):
    import inspect

    for name in PUBLIC:
        assert hasattr(kt, name), name
        assert inspect.isclass(getattr(kt, name)) == inspect.isclass(getattr(kt_oracle, name)), name


@pytest.mark.keras
@pytest.mark.parametrize("name", ["val_accuracy", "accuracy", "acc", "val_acc", "loss", "val_loss", "mae",
                                  "val_mse", "weighted_accuracy", "auc", "val_auc", "precision", "recall",
                                  "binary_accuracy", "categorical_crossentropy", "val_sparse_categorical_accuracy",
                                  "mean_squared_error", "ce", "crossentropy", "score", "val_f1"])
def test_objective_directions_match_kerastuner(kt_oracle, name):
    from keras_tuner.src.engine.metrics_tracking import infer_metric_direction

    assert infer_direction(name) == infer_metric_direction(name)


@pytest.mark.keras
def test_objective_objects_match_kerastuner(kt_oracle):
    assert str(create_objective("val_accuracy")) == str(kt_oracle.Objective("val_accuracy", "max")) == \
        'Objective(name="val_accuracy", direction="max")'
    with pytest.raises(ValueError) as theirs:
        from keras_tuner.src.engine.objective import create_objective as kt_create

        kt_create("score")
    with pytest.raises(ValueError) as ours:
        create_objective("score")
    assert str(ours.value) == str(theirs.value)
    multi = create_objective(["val_loss", "val_accuracy"])
    assert multi.direction == "min" and multi.get_value({"val_loss": 0.5, "val_accuracy": 0.75}) == -0.25
    assert create_objective(None).name == "default_objective"
    with pytest.raises(TypeError, match="`objective` not understood"):
        create_objective(3)
    with pytest.raises(ValueError, match="Received: direction='up'"):
        kt.Objective("x", "up")
