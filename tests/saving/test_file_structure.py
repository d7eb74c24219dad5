"""Files written by strata have the structure Keras 3.15 writes for the same model (§7.1, §7.2)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import strata
from saving_cases import BUILDERS, h5_structure, keras_config, keras_member, keras_members, key_paths

pytestmark = pytest.mark.keras
KINDS = sorted(BUILDERS)


def _compiled_pair(keras, kind):
    build, _ = BUILDERS[kind]
    pair = []
    for lib in (strata, keras):
        model = build(lib)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        model.optimizer.build(model.trainable_variables)
        pair.append(model)
    return pair


@pytest.mark.parametrize("kind", KINDS)
def test_keras_zip_members_and_config_keys_match_keras(keras, tmp_path, kind):
    ours, theirs = _compiled_pair(keras, kind)
    ours.save(tmp_path / "s.keras")
    theirs.save(tmp_path / "k.keras")
    assert keras_members(tmp_path / "s.keras") == keras_members(tmp_path / "k.keras") == [
        ("metadata.json", zipfile.ZIP_STORED), ("config.json", zipfile.ZIP_STORED),
        ("model.weights.h5", zipfile.ZIP_STORED)]
    ours_config, theirs_config = keras_config(tmp_path / "s.keras"), keras_config(tmp_path / "k.keras")
    assert key_paths(ours_config) == key_paths(theirs_config)
    for key in ("module", "class_name", "registered_name", "build_config"):
        assert ours_config[key] == theirs_config[key]
    assert ours_config["compile_config"] == theirs_config["compile_config"]
    metadata = json.loads(keras_member(tmp_path / "s.keras", "metadata.json"))
    assert metadata["keras_version"] == "3.15.1"
    assert set(metadata) - {"strata_version"} == set(json.loads(keras_member(tmp_path / "k.keras", "metadata.json")))


@pytest.mark.parametrize("kind", KINDS)
def test_weights_h5_paths_dtypes_and_attrs_match_keras(keras, tmp_path, kind):
    ours, theirs = _compiled_pair(keras, kind)
    ours.save_weights(tmp_path / "s.weights.h5")
    theirs.save_weights(tmp_path / "k.weights.h5")
    ours_layout = h5_structure(str(tmp_path / "s.weights.h5"))
    assert ours_layout == h5_structure(str(tmp_path / "k.weights.h5"))
    assert "optimizer/vars/0" in ours_layout and ours_layout["optimizer/vars/0"][2] == "int32"
    ours.save(tmp_path / "s.keras")
    assert h5_structure(keras_member(tmp_path / "s.keras", "model.weights.h5")) == ours_layout


def test_layers_are_keyed_by_class_name_not_layer_name(tmp_path):
    layers = strata.layers
    model = strata.Sequential([layers.Input((2,)), layers.Dense(2, name="foo"), layers.Dense(2, name="bar"),
                               layers.Dense(1, name="dense")])
    model.save_weights(tmp_path / "w.weights.h5")
    layout = h5_structure(str(tmp_path / "w.weights.h5"))
    names = {path: dict(info[3])["name"] for path, info in layout.items() if path.endswith("/vars")}
    assert names == {"layers/dense/vars": "foo", "layers/dense_1/vars": "bar", "layers/dense_2/vars": "dense"}
    assert dict(layout["vars"][3]) == {"name": model.name}
    assert layout["layers/dense/vars/0"][1:3] == ((2, 2), "float32")


def _nested_net(lib):
    layers = lib.layers

    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.Dense(2)
            self.stack = [layers.Dense(2), layers.Dense(2)]

        def call(self, x):
            return self.stack[1](self.stack[0](self.inner(x)))

    class Net(lib.Model):
        def __init__(self):
            super().__init__(name="net")
            self.beta = layers.Dense(2)
            self.alpha = Block()
            self._hidden = layers.Dense(2)
            self.zeta = layers.Dense(2)

        def call(self, x):
            return self.zeta(self._hidden(self.alpha(self.beta(x))))

    model = Net()
    model(np.ones((1, 3), "float32"))
    return model


def test_subclassed_children_keyed_by_attribute_like_keras(keras, tmp_path):
    """Attributes alphabetically, private last; `layers` (a container) is one of the attributes."""
    _nested_net(strata).save_weights(tmp_path / "s.weights.h5")
    _nested_net(keras).save_weights(tmp_path / "k.weights.h5")
    ours = h5_structure(str(tmp_path / "s.weights.h5"))
    assert ours == h5_structure(str(tmp_path / "k.weights.h5"))
    groups = sorted(p for p in ours if p.endswith("vars"))
    # `zeta` sorts after `layers`, so it is saved inside the layers container; `_hidden` comes last.
    assert groups == ["alpha/inner/vars", "alpha/stack/dense/vars", "alpha/stack/dense_1/vars", "alpha/vars",
                      "beta/vars", "layers/dense_1/vars", "layers/dense_2/vars", "vars"]


def test_to_json_matches_keras_schema(keras):
    for kind in KINDS:
        keras.backend.clear_session()
        from strata.core import naming

        naming.reset_names()
        build, _ = BUILDERS[kind]
        ours, theirs = json.loads(build(strata).to_json()), json.loads(build(keras).to_json())
        assert list(ours) == list(theirs) == ["module", "class_name", "config", "registered_name",
                                              "build_config", "compile_config"]
        assert key_paths(ours) == key_paths(theirs)
