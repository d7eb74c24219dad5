"""Subclassed models and custom layers: attribute tracking (containers included), summary, losses,
cloning and config round trips, checked against real Keras 3.15 where it applies."""

from __future__ import annotations

import copy
import json

import jax
import numpy as np
import pytest

import strata
from strata.layers.tracking import TrackedDict, TrackedList

X = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
Y = np.random.default_rng(1).normal(size=(16, 1)).astype("float32")


def _text(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "".join(lines)


def _containers_net(lib):
    """Layers and variables reached through lists, dicts and tuples, mostly added after assignment."""

    class Containers(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blocks = []
            self.head = lib.layers.Dense(1, name="head")
            self.blocks.append(lib.layers.Dense(4, name="b0"))
            self.table = {}
            self.table["z"] = lib.layers.Dense(3, name="z")
            self.table["a"] = lib.layers.Dense(3, name="a")
            self.pair = (lib.layers.Dense(2, name="p0"), [lib.layers.Dense(2, name="p1")])
            self.pair[1].append(lib.layers.Dense(2, name="p2"))
            self._private = []
            self._private.extend([lib.layers.Dense(2, name="q0"), lib.layers.Dense(2, name="q1")])
            self.scale = lib.Variable(np.full((), 1.5, "float32"), name="scale")
            self.frozen = lib.Variable(np.full((), 0.25, "float32"), trainable=False, name="frozen")

        def call(self, x):
            x = self.blocks[0](x)
            x = self.table["a"](self.table["z"](x))
            x = self.pair[1][1](self.pair[1][0](self.pair[0](x)))
            x = self._private[1](self._private[0](x))
            return self.head(x) * self.scale + self.frozen

    return Containers(name="containers")


# -- 1. attribute tracking ------------------------------------------------------------------------
@pytest.mark.keras
def test_container_layers_and_variables_tracked_in_keras_order(keras):
    ours, theirs = _containers_net(strata), _containers_net(keras)
    ours(X), theirs(X)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers] == [
        "head", "b0", "z", "a", "p0", "p1", "p2", "q0", "q1"]
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.path for w in ours.non_trainable_weights] == ["frozen"]
    assert ours.count_params() == theirs.count_params() == 80


@pytest.mark.keras
def test_weights_from_containers_move_between_strata_and_keras(keras, tmp_path):
    import h5py

    ours, theirs = _containers_net(strata), _containers_net(keras)
    ours(X), theirs(X)
    ours.save_weights(tmp_path / "s.weights.h5")
    theirs.save_weights(tmp_path / "k.weights.h5")

    def layout(path):
        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, obj: found.append((name, getattr(obj, "shape", None))))
        return found

    assert layout(tmp_path / "s.weights.h5") == layout(tmp_path / "k.weights.h5")
    assert ("blocks/dense/vars/0", (3, 4)) in layout(tmp_path / "s.weights.h5")
    theirs.load_weights(tmp_path / "s.weights.h5")
    np.testing.assert_array_equal(np.asarray(theirs(X)), np.asarray(ours(X)))


def test_appended_layer_is_trained_and_saved(tmp_path):
    model = _containers_net(strata)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    b0 = model.blocks[0]
    assert any(w is b0.kernel for w in model.trainable_weights)
    before = [np.asarray(w.value) for w in (b0.kernel, model.table["a"].kernel, model.scale)]
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    after = [np.asarray(w.value) for w in (b0.kernel, model.table["a"].kernel, model.scale)]
    assert all(not np.allclose(b, a) for b, a in zip(before, after))  # each one is trained
    np.testing.assert_array_equal(model.frozen.numpy(), 0.25)  # a non-trainable Variable is not

    model.save_weights(tmp_path / "m.weights.h5")
    fresh = _containers_net(strata)
    fresh(X)
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(fresh.blocks[0].kernel.numpy(), b0.kernel.numpy())
    np.testing.assert_array_equal(np.asarray(fresh(X)), np.asarray(model(X)))


@pytest.mark.keras
@pytest.mark.parametrize("removal", ["pop", "remove", "del", "clear", "dict_pop", "dict_del"])
def test_removing_from_a_container_untracks_like_keras(keras, removal):
    def build(lib):
        layer = lib.layers.Layer()
        layer.items = [lib.layers.Dense(2, name="d0"), lib.layers.Dense(2, name="d1")]
        layer.lookup = {"k": lib.layers.Dense(2, name="d2")}
        if removal == "pop":
            layer.items.pop()
        elif removal == "remove":
            layer.items.remove(layer.items[0])
        elif removal == "clear":
            layer.items.clear()
        elif removal == "del":
            del layer.items[0]
        elif removal == "dict_pop":
            layer.lookup.pop("k")
        else:
            del layer.lookup["k"]
        return [sub.name for sub in layer._layers]

    names = build(strata)
    expected = {"pop": ["d0", "d2"], "remove": ["d1", "d2"], "del": ["d1", "d2"], "clear": ["d2"],
                "dict_pop": ["d0", "d1"], "dict_del": ["d0", "d1"]}[removal]
    assert names == expected
    if removal != "dict_del":  # Keras 3.15 forgets to untrack on `del d[k]`; strata untracks
        assert names == build(keras)


def test_removed_value_still_held_elsewhere_stays_tracked():
    layer = strata.layers.Layer()
    shared = strata.layers.Dense(2, name="shared")
    layer.head = shared
    layer.items = [shared, strata.layers.Dense(2, name="other")]
    layer.items.pop(0)
    layer.items.pop()
    assert [sub.name for sub in layer._layers] == ["shared"]  # Keras would drop `shared` too
    layer.weight_list = [strata.Variable(np.zeros(2, "float32"), name="w")]
    layer.weight_list.clear()
    assert layer.weights == []


def test_every_way_of_adding_is_tracked():
    layer = strata.layers.Layer()
    layer.items = []
    layer.items.append(strata.layers.Dense(1, name="a"))
    layer.items.insert(0, strata.layers.Dense(1, name="b"))
    layer.items += [strata.layers.Dense(1, name="c")]
    layer.items[0] = strata.layers.Dense(1, name="d")
    layer.items[1:1] = [strata.layers.Dense(1, name="e")]
    layer.nested = {"inner": []}
    layer.nested["inner"].append(strata.layers.Dense(1, name="f"))
    layer.nested.update(g=strata.layers.Dense(1, name="g"))
    layer.nested.setdefault("h", strata.layers.Dense(1, name="h"))
    layer.nested |= {"i": strata.layers.Dense(1, name="i")}
    layer.var_list = [strata.Variable(np.zeros(2, "float32"), name="v")]
    assert [sub.name for sub in layer._layers] == ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    assert [v.name for v in layer.weights] == ["v"]


def test_tracked_containers_behave_like_plain_ones():
    layer = strata.layers.Layer()
    dense = strata.layers.Dense(2)
    layer.items = [dense]
    layer.lookup = {"b": 2.0, "a": dense}
    assert isinstance(layer.items, TrackedList) and isinstance(layer.lookup, TrackedDict)
    assert layer.items == [dense] and layer.lookup == {"b": 2.0, "a": dense}
    # copies are plain containers that do not drag the owning layer along
    assert type(copy.deepcopy(layer.items)) is list and type(copy.copy(layer.lookup)) is dict
    assert copy.deepcopy(layer.items)[0] is not dense
    layer.numbers = []
    layer.numbers.append(3)
    assert json.dumps({"n": layer.numbers}) == '{"n": [3]}'
    # JAX sees through them like through list and dict (dict leaves in sorted-key order)
    assert jax.tree_util.tree_leaves(layer.lookup, is_leaf=lambda x: x is dense) == [dense, 2.0]
    doubled = jax.tree_util.tree_map(lambda v: v * 2, TrackedList([1.0, 2.0]))
    assert doubled == [2.0, 4.0]


def test_plain_value_containers_are_left_alone():
    layer = strata.layers.Layer()
    layer.units = [4, 2]
    layer.options = {"mode": "fast"}
    layer.cell = (strata.layers.Dense(1, name="t"), 3)
    assert type(layer.units) is list and type(layer.options) is dict
    assert type(layer.cell) is tuple and [sub.name for sub in layer._layers] == ["t"]


# -- 2. summary of a subclassed model called on data ---------------------------------------------
def _summary_net(lib):
    class Scale(lib.layers.Layer):  # no compute_output_shape: Keras prints "?"
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w

    class TwoDense(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = lib.layers.Dense(4, activation="relu")
            self.scale = Scale()
            self.tail = lib.Sequential([lib.layers.Dense(2)])
            self.out = lib.layers.Dense(1)
            self.unused = lib.layers.Dense(7)

        def call(self, x):
            return self.out(self.tail(self.scale(self.hidden(x))))

    return TwoDense(name="two_dense")


@pytest.mark.keras
def test_subclassed_summary_after_call_equals_keras(keras, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    ours, theirs = _summary_net(strata), _summary_net(keras)
    assert _text(ours) == _text(theirs)  # unbuilt: every shape is "?"
    x = np.ones((5, 3), "float32")
    ours(x), theirs(x)
    text = _text(ours)
    assert text == _text(theirs)
    assert "│ (5, 4)" in text and "│ (5, 1)" in text and "│ (5, 2)" in text
    assert "scale (Scale)                   │ ?" in text and "0 (unbuilt)" in text


# -- 3. losses, dict/Variable attributes, clone_model, from_config --------------------------------
def _penalized_net(lib):
    class Penalized(lib.layers.Layer):
        def __init__(self, units, rate, **kwargs):
            super().__init__(**kwargs)
            self.units, self.rate = units, rate

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

        def call(self, x):
            y = lib.ops.tanh(lib.ops.matmul(x, self.kernel))
            self.add_loss(self.rate * lib.ops.mean(lib.ops.square(y)))
            return y

    class Net(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.parts = {}
            self.parts["body"] = Penalized(4, 0.5)
            self.parts["head"] = lib.layers.Dense(1)
            self.gain = lib.Variable(np.full((), 2.0, "float32"), name="gain")

        def call(self, x):
            return self.parts["head"](self.parts["body"](x)) * self.gain

    return Net()


@pytest.mark.keras
def test_add_loss_in_custom_layer_is_in_losses_and_fit_like_keras(keras):
    ours, theirs = _penalized_net(strata), _penalized_net(keras)
    theirs(X)
    ours(X)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    ours(X)  # each outermost call starts afresh: the first call's loss is gone
    theirs(X)
    assert len(ours.losses) == len(theirs.losses) == 1
    np.testing.assert_allclose(np.asarray(ours.losses[0]), np.asarray(theirs.losses[0]), rtol=1e-6)
    results = []
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
        results.append((history.history["loss"][0], [np.asarray(w) for w in model.get_weights()]))
    (our_loss, our_weights), (their_loss, their_weights) = results
    np.testing.assert_allclose(our_loss, their_loss, rtol=1e-5)
    for a, b in zip(our_weights, their_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_add_loss_changes_the_fit_loss():
    def fit_loss(rate):
        strata.utils.set_random_seed(3)
        model = _penalized_net(strata)
        model.parts["body"].rate = rate
        model.compile(optimizer="sgd", loss="mse")
        return model.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0).history["loss"][0]

    plain, penalized = fit_loss(0.0), fit_loss(0.5)
    assert penalized > plain + 1e-3


def test_dict_of_layers_and_variable_attribute_are_tracked_and_trained():
    model = _penalized_net(strata)
    model(X)
    paths = [w.path for w in model.weights]
    assert paths[0] == "gain" and len(paths) == 4  # gain, body kernel, head kernel + bias
    assert model.gain in model.trainable_weights
    model.compile(optimizer="sgd", loss="mse")
    before = [w.numpy() for w in model.weights]
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    assert all(not np.allclose(b, w.numpy()) for b, w in zip(before, model.weights))


def _configurable_net():
    class Tower(strata.Model):
        def __init__(self, widths=(3, 2), activation="relu", **kwargs):
            super().__init__(**kwargs)
            self.widths, self.activation = list(widths), activation
            self.stack = []
            for width in widths:
                self.stack.append(strata.layers.Dense(width, activation=activation))
            self.out = strata.layers.Dense(1)

        def call(self, x):
            for layer in self.stack:
                x = layer(x)
            return self.out(x)

    return Tower


def test_clone_model_of_subclassed_model_has_same_structure_and_fresh_weights():
    Tower = _configurable_net()
    model = Tower(widths=[5, 4], activation="tanh", name="tower")
    model(X)
    clone = strata.models.clone_model(model)
    assert type(clone) is Tower and clone is not model
    assert [type(layer).__name__ for layer in clone.layers] == ["Dense", "Dense", "Dense"]
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights] == [
        (3, 5), (5,), (5, 4), (4,), (4, 1), (1,)]
    assert not np.allclose(clone.weights[0].numpy(), model.weights[0].numpy())
    assert all(c is not m for c, m in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(clone(X)), np.asarray(model(X)), rtol=1e-6)


def test_from_config_with_automatically_recorded_arguments():
    Tower = _configurable_net()
    model = Tower([6], activation="sigmoid", name="tower")
    config = model.get_config()
    assert config == {"name": "tower", "trainable": True, "widths": [6], "activation": "sigmoid"}
    rebuilt = Tower.from_config(config)
    assert rebuilt.name == "tower" and rebuilt.widths == [6] and rebuilt.activation == "sigmoid"
    rebuilt(X)
    assert [w.shape for w in rebuilt.weights] == [(3, 6), (6,), (6, 1), (1,)]
    assert rebuilt.stack[0].activation is strata.activations.get("sigmoid")
