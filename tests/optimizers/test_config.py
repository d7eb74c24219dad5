"""Optimizer configs and serialization match Keras 3.15 (KERAS_NOTES §7.1), and `get` resolves names."""

from __future__ import annotations

import json

import pytest

import strata.optimizers as so

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "Nadam"]


@pytest.mark.keras
@pytest.mark.parametrize("class_name", NAMES)
def test_default_config_equals_keras(keras, class_name):
    k_config = getattr(keras.optimizers, class_name)().get_config()
    s_config = getattr(so, class_name)().get_config()
    assert s_config == k_config
    assert list(s_config) == list(k_config)  # same key order in saved JSON


@pytest.mark.keras
@pytest.mark.parametrize("class_name, kwargs", [
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "clipnorm": 1.0}),
    ("Adam", {"learning_rate": 3e-4, "amsgrad": True, "weight_decay": 0.01, "use_ema": True,
              "ema_overwrite_frequency": 5, "global_clipnorm": 2.0}),
    ("RMSprop", {"rho": 0.8, "momentum": 0.1, "centered": True, "clipvalue": 0.5,
                 "gradient_accumulation_steps": 4, "loss_scale_factor": 2.0, "name": "my_opt"}),
])
def test_custom_config_equals_keras(keras, class_name, kwargs):
    expected = getattr(keras.optimizers, class_name)(**kwargs).get_config()
    assert getattr(so, class_name)(**kwargs).get_config() == expected


def test_learning_rate_is_float32_rounded():
    config = so.Adam().get_config()
    assert config["learning_rate"] == 0.0010000000474974513


@pytest.mark.keras
def test_schedule_learning_rate_serializes_like_keras(keras):
    k_opt = keras.optimizers.SGD(keras.optimizers.schedules.PolynomialDecay(0.1, 100, power=2.0))
    s_opt = so.SGD(so.schedules.PolynomialDecay(0.1, 100, power=2.0))
    assert so.serialize(s_opt)["config"]["learning_rate"]["class_name"] == "PolynomialDecay"
    assert so.serialize(s_opt) == keras.optimizers.serialize(k_opt)


@pytest.mark.keras
def test_serialize_has_keras_shape(keras):
    assert so.serialize(so.Adam(name="opt")) == keras.optimizers.serialize(keras.optimizers.Adam(name="opt"))


@pytest.mark.keras
def test_keras_dict_deserializes_in_strata_and_back(keras):
    schedule = keras.optimizers.schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3)
    k_opt = keras.optimizers.Nadam(learning_rate=schedule)
    payload = json.loads(json.dumps(keras.optimizers.serialize(k_opt)))
    s_opt = so.deserialize(payload)
    assert isinstance(s_opt, so.Nadam)
    assert so.serialize(s_opt) == keras.optimizers.serialize(k_opt)
    back = keras.optimizers.deserialize(json.loads(json.dumps(so.serialize(s_opt))))
    assert back.get_config() == k_opt.get_config()


def test_from_config_round_trip():
    opt = so.RMSprop(learning_rate=0.02, momentum=0.5, centered=True, name="r")
    clone = so.RMSprop.from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()


def test_deserialize_accepts_legacy_form():
    opt = so.deserialize({"class_name": "Adam", "config": {"learning_rate": 0.5, "beta_1": 0.8}})
    assert isinstance(opt, so.Adam)
    assert opt.beta_1 == 0.8
    assert float(opt.learning_rate) == 0.5


@pytest.mark.parametrize("identifier, cls", [
    ("adam", so.Adam), ("Adam", so.Adam), ("ADAM", so.Adam), ("rmsprop", so.RMSprop),
    ("RMSprop", so.RMSprop), ("sgd", so.SGD), ("adamw", so.AdamW), ("adagrad", so.Adagrad),
    ("adamax", so.Adamax), ("nadam", so.Nadam),
])
def test_get_resolves_names_case_insensitively(identifier, cls):
    opt = so.get(identifier)
    assert type(opt) is cls
    assert opt.get_config() == cls(name=opt.name).get_config()


def test_get_passes_instances_and_dicts():
    opt = so.SGD()
    assert so.get(opt) is opt
    assert so.get(None) is None
    built = so.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.25}})
    assert isinstance(built, so.SGD) and built.momentum == 0.25


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Could not interpret optimizer identifier: 'adamm'.*'adam'.*'sgd'"):
        so.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        so.get(3.0)


def test_auto_names_count_per_class():
    assert [so.Adam().name, so.Adam().name, so.RMSprop().name, so.AdamW().name] == [
        "adam", "adam_1", "rm_sprop", "adam_w"
    ]
